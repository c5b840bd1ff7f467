package jsonstr

import (
	"encoding/json"
	"testing"
)

func TestAppend(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", `""`},
		{"plain text", `"plain text"`},
		{`say "hi" \ bye`, `"say \"hi\" \\ bye"`},
		{"nl\n cr\r tab\t", `"nl\n cr\r tab\t"`},
		{"\x00\x01\b\f\x1f", `"\u0000\u0001\u0008\u000c\u001f"`},
		{"del\x7fdel", `"del\u007fdel"`},
		{"<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"ü日本😀", `"ü日本😀"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"bad \xff\xfe end", `"bad \ufffd\ufffd end"`},
	} {
		if got := string(Append([]byte("x:"), c.in)); got != "x:"+c.want {
			t.Errorf("Append(%q) = %s, want %s", c.in, got[2:], c.want)
		}
	}
}

// FuzzAppend checks the hand-written encoder against encoding/json: both
// must decode to the same text, and no control byte may be left raw.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "plain", "quote\" back\\ nl\n tab\t cr\r", "\x00\x01\x1f\x7f", "<>&", "ü日本😀", "\u2028\u2029", "\xff\xfe bad", "\b\f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Append(nil, s)
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %q for %q", got, s)
		}
		for _, c := range got {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("Append(%q) = %q holds the control byte %#x", s, got, c)
			}
		}
		want, _ := json.Marshal(s)
		var a, b string
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(want, &b)
		if a != b {
			t.Fatalf("Append(%q) decodes to %q, encoding/json to %q", s, a, b)
		}
	})
}
