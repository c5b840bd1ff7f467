package bottest

import (
	"fmt"
	"strings"
)

// Tally counts the cases of a test run. Its String is the run's closing
// line, which botgen test reads back from each bot it runs.
type Tally struct {
	Passed, Failed int
}

func (t Tally) String() string { return fmt.Sprintf("%d passed, %d failed", t.Passed, t.Failed) }

// Add returns the sum of two tallies.
func (t Tally) Add(u Tally) Tally { return Tally{t.Passed + u.Passed, t.Failed + u.Failed} }

// Output is what a bot's test command printed.
type Output struct {
	Lines []string // the lines before the closing one, but empty ones
	Tally Tally    // read from the closing line
}

// ParseOutput reads the output of a bot's test command. ok is false when it
// does not end with the closing tally: the run did not finish.
func ParseOutput(out string) (o Output, ok bool) {
	text := strings.TrimRight(out, "\n")
	last := text[strings.LastIndex(text, "\n")+1:]
	if _, err := fmt.Sscanf(last, "%d passed, %d failed", &o.Tally.Passed, &o.Tally.Failed); err != nil {
		return Output{}, false
	}
	body := strings.TrimSuffix(text, o.Tally.String())
	for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		if line != "" {
			o.Lines = append(o.Lines, line)
		}
	}
	return o, true
}
