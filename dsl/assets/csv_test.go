package assets

import (
	"testing"
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
			_, _, err := ParseCSV([]byte(tt.csv))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
		})
	}
}
