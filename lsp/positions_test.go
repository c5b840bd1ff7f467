package lsp

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/botgen-dev/botgen/dsl/symbols"
)

// The conversions of columns, as they were written before lineIndex cached
// each line's offsets: each rescans its line from the start. They are the
// specification the lookups must keep.
func scanPosition(text string, col int) int {
	units, i := 0, 1
	for _, r := range text {
		if i >= col {
			break
		}
		units += utf16.RuneLen(r)
		i++
	}
	return units
}

func scanBlank(text string, col, n int) bool {
	i := 1
	for _, r := range text {
		if i >= col+n {
			break
		}
		if i >= col && r != ' ' && r != '\t' {
			return false
		}
		i++
	}
	return true
}

func scanWrittenAt(l string, col int, text string) bool {
	for i := 1; i < col && l != ""; i++ {
		_, size := utf8.DecodeRuneInString(l)
		l = l[size:]
	}
	return text != "" && strings.HasPrefix(l, text)
}

func scanWordEnd(line string, col int) int {
	text := []rune(line)
	i := col - 1
	if i < 0 || i >= len(text) {
		return col + 1
	}
	isWord := func(r rune) bool {
		return r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > utf8.RuneSelf
	}
	if text[i] == '"' {
		for j := i + 1; j < len(text); j++ {
			if text[j] == '\\' {
				j++
				continue
			}
			if text[j] == '"' {
				return j + 2
			}
		}
		return len(text) + 1
	}
	j := i
	for j < len(text) && isWord(text[j]) {
		j++
	}
	return max(j, i+1) + 1
}

// The cached conversions of lineIndex give what rescanning each line gave,
// at every column of lines of ASCII, of accented letters, of emoji (two
// UTF-16 units each), of invalid UTF-8, and past their ends.
func TestLineIndexConversions(t *testing.T) {
	lines := []string{
		"",
		"set x = a + b",
		"reply \"é {n} 😀\" + x  \t y",
		"😀😀 \"a\\\"😀\" é",
		"\xff\xfe a\xc3 \"\xff",
		"  \t  é\t",
		"\"unclosed é 😀",
	}
	x := newLineIndex([]byte(strings.Join(lines, "\r\n")))
	for l, text := range lines {
		line := l + 1
		if got := x.text(line); got != text {
			t.Fatalf("line %d: %q, want %q", line, got, text)
		}
		runes := utf8.RuneCountInString(text)
		for col := -1; col <= runes+3; col++ {
			if got, want := x.position(line, col), (position{l, scanPosition(text, col)}); got != want {
				t.Errorf("position(%q, %d) = %v, want %v", text, col, got, want)
			}
			if got, want := wordEnd(x, line, col), scanWordEnd(text, col); got != want {
				t.Errorf("wordEnd(%q, %d) = %d, want %d", text, col, got, want)
			}
			for n := -2; n <= 4; n++ {
				if got, want := x.blank(line, col, n), scanBlank(text, col, n); got != want {
					t.Errorf("blank(%q, %d, %d) = %v, want %v", text, col, n, got, want)
				}
			}
			for _, s := range []string{"", "a", "é", "😀", "\"", "\xff", " "} {
				if got, want := x.writtenAt(line, col, s), scanWrittenAt(text, col, s); got != want {
					t.Errorf("writtenAt(%q, %d, %q) = %v, want %v", text, col, s, got, want)
				}
			}
		}
	}
	for _, line := range []int{-1, 0, len(lines) + 1} {
		if got := x.position(line, 3); got != (position{max(line-1, 0), 0}) {
			t.Errorf("position of line %d: %v", line, got)
		}
	}
}

// Semantic tokens on lines of accented letters and emoji, in a file that
// parses and in one that does not, start and end where they did when each
// token rescanned its line: UTF-16 offsets, an emoji two units wide.
func TestSemanticTokensNonASCII(t *testing.T) {
	cases := []struct{ src, want string }{
		{
			"bot b\nvar n = 1 # é 😀\ninitial state s {\n    reply \"😀 é {n + 1} 😀{n}ü{lower(\\\"É😀\\\")} {{😀}}\" # 😀 é\n    set n = n + 1 # 😀\n}\n",
			`0:0+3 keyword 0
0:4+1 namespace 1
1:0+3 keyword 0
1:4+1 variable 1
1:6+1 operator 0
1:8+1 number 0
1:10+6 comment 0
2:0+7 keyword 0
2:8+5 keyword 0
2:14+1 class 1
3:4+5 keyword 0
3:10+7 string 0
3:17+1 variable 0
3:19+1 operator 0
3:21+1 number 0
3:22+5 string 0
3:27+1 variable 0
3:28+3 string 0
3:31+5 function 4
3:37+7 string 0
3:45+9 string 0
3:55+6 comment 0
4:4+3 keyword 0
4:8+1 variable 0
4:10+1 operator 0
4:12+1 variable 0
4:14+1 operator 0
4:16+1 number 0
4:18+4 comment 0
`,
		},
		{
			"bot b\nstate s { # 😀\n    reply \"😀 é {n} ü\" n + 1 = \"é 😀 {n}\" # é\n    go s 😀 x\n",
			`0:0+3 keyword 0
0:4+1 variable 0
1:0+5 keyword 0
1:6+1 class 0
1:10+4 comment 0
2:4+5 keyword 0
2:10+12 string 0
2:23+1 variable 0
2:25+1 operator 0
2:27+1 number 0
2:29+1 operator 0
2:31+10 string 0
2:42+3 comment 0
3:4+2 keyword 0
3:7+1 class 0
`,
		},
	}
	for _, c := range cases {
		src := []byte(c.src)
		ix, ok := symbols.Names("x.bot", src)
		var got strings.Builder
		for _, tok := range semanticTokens("x.bot", src, ix, ok) {
			fmt.Fprintf(&got, "%d:%d+%d %s %d\n", tok.line, tok.start, tok.length, tokenTypes[tok.typ], tok.mods)
		}
		if got.String() != c.want {
			t.Errorf("tokens of %q:\n%s\nwant\n%s", c.src, got.String(), c.want)
		}
	}
}

// A document over the size limit is not coloured, as it has no outline:
// its diagnostic says why.
func TestSemanticTokensOversized(t *testing.T) {
	e := startServer(t)
	e.call("initialize", map[string]any{})
	huge := "bot b\ninitial state s {\n    set x = " + strings.Repeat("-", 1<<20) + "1 # é\n}\n"
	e.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "text": huge, "version": 1}})
	e.diagnostics()
	for _, m := range []string{"textDocument/semanticTokens/full", "textDocument/semanticTokens/range"} {
		resp, _ := e.call(m, map[string]any{"textDocument": doc(uri), "range": map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 3, "character": 0}}})
		data, ok := resp["result"].(map[string]any)["data"].([]any)
		if !ok || len(data) != 0 {
			t.Errorf("%s of a document over the size limit: %v", m, resp)
		}
	}
}
