package reply

import "testing"

func TestMIMEType(t *testing.T) {
	cases := map[string]string{
		"sales.CSV": "text/csv", "notes.txt": "text/plain", "logo.png": "image/png",
		"page.htm": "text/html", "blob": "application/octet-stream",
	}
	for name, want := range cases {
		data := []byte{0, 1, 2}
		if got := MIMEType(name, data); got != want {
			t.Errorf("MIMEType(%q) = %q, want %q", name, got, want)
		}
	}
	if got := MIMEType("readme", []byte("plain words")); got != "text/plain; charset=utf-8" {
		t.Errorf("sniffed type = %q", got)
	}
}
