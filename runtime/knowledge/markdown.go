package knowledge

import (
	"strings"
)

// splitMarkdown reads a Markdown document into o: ATX (#) and setext
// (underlined) headings start sections; blank lines separate blocks. A
// fenced code block is one block: its fence lines are dropped and its text
// kept, since a bot's documents often answer with an example; a # inside it
// is not a heading. A front matter block (between --- lines at the very
// start) is metadata, not text, and is dropped.
func splitMarkdown(o *outline, text string) {
	lines := strings.Split(text, "\n")
	lines = skipFrontMatter(lines)
	var para []string // the lines of the block being read
	endBlock := func() {
		o.block(strings.Join(para, "\n"))
		para = para[:0]
	}
	var fence string // the opening fence while inside a code block
	for _, line := range lines {
		if fence != "" {
			if closesFence(line, fence) {
				fence = ""
				endBlock()
				continue
			}
			para = append(para, line)
			continue
		}
		if f := openingFence(line); f != "" {
			endBlock()
			fence = f
			continue
		}
		if strings.TrimSpace(line) == "" {
			endBlock()
			continue
		}
		if level, title, ok := atxHeading(line); ok {
			endBlock()
			o.heading(level, inlineText(title))
			continue
		}
		if level := setextUnderline(line); level > 0 && setextText(para) {
			title := strings.Join(para, " ")
			para = para[:0]
			o.heading(level, inlineText(title))
			continue
		}
		if isThematicBreak(line) {
			endBlock()
			continue
		}
		para = append(para, line)
	}
	endBlock()
}

// skipFrontMatter returns lines without a leading front matter block.
func skipFrontMatter(lines []string) []string {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimSpace(lines[i]); t == "---" || t == "..." {
			return lines[i+1:]
		}
	}
	return lines // no end: a thematic break, not front matter
}

// indent returns line without up to three leading spaces, and whether it
// had no more than three (four make an indented code line).
func indent(line string) (string, bool) {
	for range 3 {
		if !strings.HasPrefix(line, " ") {
			break
		}
		line = line[1:]
	}
	return line, !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t")
}

// openingFence returns the fence (``` or ~~~, or longer) that line opens a
// code block with, or "". A fence may be indented, as in a list item.
func openingFence(line string) string {
	t := strings.TrimLeft(line, " \t")
	for _, c := range []byte{'`', '~'} {
		n := 0
		for n < len(t) && t[n] == c {
			n++
		}
		if n >= 3 {
			if c == '`' && strings.Contains(t[n:], "`") {
				return "" // inline code, not a fence
			}
			return t[:n]
		}
	}
	return ""
}

// closesFence reports whether line closes a code block opened by fence: the
// same character, at least as many times, and nothing else.
func closesFence(line, fence string) bool {
	t := strings.TrimSpace(line)
	return len(t) >= len(fence) && strings.Trim(t, fence[:1]) == ""
}

// atxHeading reads a "## Title" line: its level and its text without the
// optional closing #s.
func atxHeading(line string) (level int, title string, ok bool) {
	t, ok := indent(line)
	if !ok {
		return 0, "", false
	}
	for level < len(t) && t[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(t) && t[level] != ' ' && t[level] != '\t') {
		return 0, "", false
	}
	title = strings.TrimSpace(t[level:])
	if trimmed := strings.TrimRight(title, "#"); trimmed == "" || strings.HasSuffix(trimmed, " ") || strings.HasSuffix(trimmed, "\t") {
		title = strings.TrimSpace(trimmed)
	}
	return level, title, true
}

// setextUnderline returns 1 for a line of = and 2 for a line of -, which
// make the paragraph above them a heading; 0 for another line.
func setextUnderline(line string) int {
	t, ok := indent(line)
	t = strings.TrimRight(t, " \t")
	switch {
	case !ok || t == "":
		return 0
	case strings.Trim(t, "=") == "":
		return 1
	case strings.Trim(t, "-") == "":
		return 2
	}
	return 0
}

// setextText reports whether the lines of a block can be a setext
// heading's text: a plain paragraph, not a list, a quote or a table.
func setextText(para []string) bool {
	if len(para) == 0 {
		return false
	}
	t := strings.TrimSpace(para[0])
	for _, p := range []string{"- ", "* ", "+ ", "> ", "|"} {
		if strings.HasPrefix(t, p) {
			return false
		}
	}
	return true
}

// isThematicBreak reports whether line is a horizontal rule (***, ---,
// ___), which separates blocks and carries no words.
func isThematicBreak(line string) bool {
	t, ok := indent(line)
	if !ok {
		return false
	}
	t = strings.ReplaceAll(strings.ReplaceAll(t, " ", ""), "\t", "")
	if len(t) < 3 {
		return false
	}
	return strings.Trim(t, "*") == "" || strings.Trim(t, "-") == "" || strings.Trim(t, "_") == ""
}

// inlineText returns a heading's text without its inline markup: code
// spans' backticks, emphasis, and links reduced to their text.
func inlineText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '`':
			continue
		case '*':
			continue
		case '[':
			// [text](target): keep text, drop the target.
			if end := strings.Index(s[i:], "]("); end > 0 {
				if close := strings.IndexByte(s[i+end:], ')'); close > 0 {
					b.WriteString(s[i+1 : i+end])
					i += end + close
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}
