package nlu

import "testing"

func TestReaches(t *testing.T) {
	for _, c := range []struct {
		score, threshold float64
		want             bool
	}{{0.5, 0.4, true}, {0.4, 0.4, true}, {0.3, 0.4, false}, {0, 0, false}, {0.01, 0, true}} {
		if got := (Score{Score: c.score}).Reaches(c.threshold); got != c.want {
			t.Errorf("%v at %v: %v", c.score, c.threshold, got)
		}
	}
}
