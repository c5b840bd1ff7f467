package spelling

import "testing"

func TestSuggest(t *testing.T) {
	states := []string{"start", "forecast", "weather_state", "help_state", "ordered"}
	cases := []struct{ name, want string }{
		{"forcast", "forecast"},  // a letter dropped
		{"forecats", "forecast"}, // two letters swapped
		{"Forecast", "forecast"}, // case only
		{"wether_state", "weather_state"},
		{"help_stat", "help_state"},
		{"strat", "start"}, // swap in a short name
		{"sart", "start"},  // four runes: one edit
		{"stop", ""},       // four runes, two edits from start
		{"nowhere", ""},
		{"start", ""}, // the name itself is not a hint
	}
	for _, c := range cases {
		if got := Suggest(c.name, states); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
	if got := Suggest("x", []string{"n", "X"}); got != "X" {
		t.Errorf("one letter: got %q, want only the case-insensitive match", got)
	}
	if got := Suggest("abc", []string{"abx", "aby"}); got != "abx" {
		t.Errorf("ties: got %q, want the first candidate", got)
	}
	if got := Suggest("città", []string{"citta", "city"}); got != "citta" {
		t.Errorf("runes: got %q", got)
	}
}

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b        string
		limit, want int
	}{
		{"barcelona", "barcelona", 2, 0},
		{"barcelnoa", "barcelona", 2, 1}, // a swap is one edit
		{"barclona", "barcelona", 2, 1},
		{"brclna", "barcelona", 2, 3}, // past the limit: limit+1
		{"a", "abcdef", 2, 3},         // lengths alone exceed it
		{"città", "citta", 1, 1},      // runes, not bytes
	}
	for _, c := range cases {
		if got := Distance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}
