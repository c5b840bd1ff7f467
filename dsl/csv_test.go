package dsl

import (
	"testing"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// Errors for bytes a text golden cannot hold.
func TestCSVEncodingErrors(t *testing.T) {
	for _, tt := range []struct{ name, csv, want string }{
		{"invalid UTF-8", "a\n1\n\xff\n", "line 3 is not UTF-8 text (save the file as UTF-8)"},
		{"Latin-1 after a CRLF", "a\r\nb\r\ncaf\xe9\r\n", "line 3 is not UTF-8 text (save the file as UTF-8)"},
		{"UTF-16", "\xff\xfea\x00\n\x00", "line 1: a NUL byte (is the file UTF-16? save it as UTF-8)"},
		{"NUL", "a\nx\x00y\n", "line 2: a NUL byte (is the file UTF-16? save it as UTF-8)"},
		{"quote never closed after a BOM and lone CRs", "\ufeffa\r1\r\"2\r3\r", "line 3: a quoted cell is never closed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseCSV([]byte(tt.csv))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}
}

// Inline tables are typed as pandas types a DataFrame built from the same
// Python literals (checked with pandas 1.5.3), except that an integer beyond
// int64 is a float here (pandas would make a uint64 column of it).
func TestInlineTableTypes(t *testing.T) {
	src := `bot b
initial state s {
    reply table {
        columns "int", "float", "mixed", "bool", "text", "big"
        row 1, 1, 1, true, "a", 9223372036854775807
        row -2, 2.5, "x", false, "b/é", 12345678901234567890
        row 007, 1e3, 2.0, true, "", 0
    }
}
`
	f, diags := Parse("t.bot", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	bot, diags := Check(f, []byte(src), CheckOptions{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	table := bot.States[0].Body[0].(*ir.Reply).Table
	got := tableJSON(table)
	want := `{"int":{"0":1,"1":-2,"2":7},"float":{"0":1.0,"1":2.5,"2":1000.0},"mixed":{"0":1,"1":"x","2":2.0},` +
		`"bool":{"0":true,"1":false,"2":true},"text":{"0":"a","1":"b\/\u00e9","2":""},"big":{"0":9.223372037e+18,"1":1.23456789e+19,"2":0.0}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
