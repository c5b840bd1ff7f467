package dsl

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTmpCorpus(t *testing.T) {
	fs, _ := filepath.Glob("/tmp/fz/*")
	for _, f := range fs {
		b, _ := os.ReadFile(f)
		lines := strings.SplitN(string(b), "\n", 2)
		s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[1]), "[]byte("), ")")
		src, err := strconv.Unquote(s)
		if err != nil { t.Log(f, err); continue }
		start := time.Now()
		file, _ := Parse("x.bot", []byte(src))
		if file != nil { Check(file, []byte(src), CheckOptions{Dir: "../testdata/examples"}) }
		t.Log(filepath.Base(f), time.Since(start), len(src))
	}
}
