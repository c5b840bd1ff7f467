package knowledge

import "strings"

// splitText reads plain text into o: paragraphs are separated by blank
// lines, and there are no headings.
func splitText(o *outline, text string) {
	var para []string
	for line := range strings.SplitSeq(text, "\n") {
		if strings.TrimSpace(line) == "" {
			o.block(strings.Join(para, "\n"))
			para = para[:0]
			continue
		}
		para = append(para, line)
	}
	o.block(strings.Join(para, "\n"))
}
