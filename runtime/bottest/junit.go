package bottest

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
)

// JUnit is a test report in the JUnit XML format that CI systems read
// (GitLab, Jenkins, GitHub actions that publish test results): one suite per
// bot, one test case per test block.
type JUnit struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []JUnitSuite `xml:"testsuite"`
}

// JUnitSuite is the report of one bot's tests.
type JUnitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []JUnitCase `xml:"testcase"`
}

// JUnitCase is the report of one test block.
type JUnitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *JUnitFailure `xml:"failure,omitempty"`
}

// JUnitFailure says why a test block failed: its first line, then all of it.
type JUnitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// NewJUnitSuite makes the suite of results of the bot named bot.
func NewJUnitSuite(bot string, results []Result) JUnitSuite {
	s := JUnitSuite{Name: bot, Tests: len(results)}
	var total float64
	for _, r := range results {
		secs := r.Duration.Seconds()
		total += secs
		c := JUnitCase{Name: r.Name, Classname: bot, File: r.Pos, Time: fmt.Sprintf("%.3f", secs)}
		if r.Failure != "" {
			s.Failures++
			first, _, _ := strings.Cut(r.Failure, "\n")
			c.Failure = &JUnitFailure{Message: first, Text: r.Failure}
		}
		s.Cases = append(s.Cases, c)
	}
	s.Time = fmt.Sprintf("%.3f", total)
	return s
}

// Write writes the report as an XML document.
func (j JUnit) Write(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(j); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// WriteFile writes the report to the file at path.
func (j JUnit) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := j.Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Merge adds the suites of other to j, after its own: botgen test merges
// the reports of the bots it runs into one.
func (j *JUnit) Merge(other JUnit) {
	j.Suites = append(j.Suites, other.Suites...)
}

// ReadJUnitFile reads the report in the file at path.
func ReadJUnitFile(path string) (JUnit, error) {
	f, err := os.Open(path)
	if err != nil {
		return JUnit{}, err
	}
	defer f.Close()
	return ReadJUnit(f)
}

// ReadJUnit reads a report written by Write.
func ReadJUnit(r io.Reader) (JUnit, error) {
	var j JUnit
	err := xml.NewDecoder(r).Decode(&j)
	return j, err
}
