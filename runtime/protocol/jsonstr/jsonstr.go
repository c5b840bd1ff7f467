// Package jsonstr writes strings as JSON string literals by the one rule of
// the wire format: the frames the protocol package sends and the JSON the
// reply package writes into messages (option lists, chart figures) escape
// alike. It is a package of its own so that both can use it, as protocol
// imports reply. (Tables are the exception: reply writes them as pandas
// does, byte for byte.)
package jsonstr

import "unicode/utf8"

const hex = "0123456789abcdef"

// Append appends s to b as a JSON string literal. Text stays UTF-8 and HTML
// characters stay as they are, as encoding/json writes them with HTML
// escaping off. Quotes and backslashes are escaped, and so is every control
// character, DEL (0x7f) included, as \n, \r, \t or \u00XX: no raw control
// byte reaches a client's screen or a log line. U+2028 and U+2029 are
// escaped too, so that the JSON is also valid JavaScript, and invalid UTF-8
// becomes U+FFFD, as encoding/json does.
func Append(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is yet to be copied as it is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
