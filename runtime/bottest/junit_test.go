package bottest

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestJUnit(t *testing.T) {
	results := []Result{
		{Name: "greets", Pos: "b.bot:10:1", Duration: 120 * time.Millisecond},
		{Name: "answers <weather> & more", Pos: "b.bot:20:1", Failure: "b.bot:22:5: expected str \"Sunny\"\n    got str \"Rainy\"", Duration: 2 * time.Second},
	}
	var b bytes.Buffer
	if err := (JUnit{Suites: []JUnitSuite{NewJUnitSuite("b_bot", results)}}).Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<testsuite name="b_bot" tests="2" failures="1" time="2.120">`,
		`<testcase name="greets" classname="b_bot" file="b.bot:10:1" time="0.120"></testcase>`,
		`<testcase name="answers &lt;weather&gt; &amp; more" classname="b_bot" file="b.bot:20:1" time="2.000">`,
		`<failure message="b.bot:22:5: expected str &#34;Sunny&#34;">b.bot:22:5: expected str &#34;Sunny&#34;&#xA;    got str &#34;Rainy&#34;</failure>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	back, err := ReadJUnit(strings.NewReader(out))
	if err != nil || len(back.Suites) != 1 || back.Suites[0].Cases[1].Failure == nil || back.Suites[0].Cases[0].Failure != nil {
		t.Errorf("read back: %+v, %v", back, err)
	}
}
