package graph

import (
	"fmt"
	"io"
	"math/bits"
	"slices"
	"strings"
)

// The drawing's measures, in SVG pixels. Text widths are estimated from
// the number of characters: a bot has no font metrics, and a label a
// little wider than its box is still readable.
const (
	nodeH     = 36.0
	nodeGap   = 48.0 // between the states of a row
	rowGap    = 84.0 // between rows
	margin    = 24.0
	charW     = 7.4 // of the states' 13px text
	labelW    = 6.3 // of the edges' 11px text
	loopReach = 56.0
)

// box is a drawn node: its centre and width.
type box struct {
	name       string
	x, y, w    float64
	row        int
	kind       string // the node's classes
	ofAnyState bool
}

// WriteSVG draws g as an SVG image, laid out in rows from the initial
// state down (a state's row is its distance from the initial state or
// from any state, for a global intent's target), the states no path
// reaches in a row apart at the bottom. The state named current, if any,
// is highlighted. It is g.Draw().WriteSVG(w, current).
func (g *Graph) WriteSVG(w io.Writer, current string) error {
	return g.Draw().WriteSVG(w, current)
}

// Drawing is a diagram laid out and drawn once, to be written with any
// state highlighted: a server draws its bot once and highlights each
// viewer's state.
type Drawing struct {
	svg string // no state highlighted
	// Where each state's group is highlighted: the end of its class
	// attribute's value, and of its attributes.
	marks map[string][2]int
}

// WriteSVG writes the drawing with the state named current, if any,
// highlighted.
func (d *Drawing) WriteSVG(w io.Writer, current string) error {
	m, ok := d.marks[current]
	if !ok {
		_, err := io.WriteString(w, d.svg)
		return err
	}
	for _, s := range []string{d.svg[:m[0]], " current", d.svg[m[0]:m[1]], ` aria-current="step"`, d.svg[m[1]:]} {
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	return nil
}

// Draw lays g out as WriteSVG describes, in time near linear in its
// states and edges: what a bot serves must stay cheap however many
// states its author wrote.
func (g *Graph) Draw() *Drawing {
	ids, states := g.ids()
	n := len(states)
	boxes := make([]box, n, n+1)
	index := make(map[string]int, n+1)
	for i, s := range states {
		index[s.Name] = i
		kind := "state"
		if s.Initial {
			kind += " initial"
		}
		if s.Global {
			kind += " global"
		}
		if s.Unreachable {
			kind += " unreachable"
		}
		boxes[i] = box{name: s.Name, w: max(90, charW*float64(len([]rune(s.Name)))+28), row: -1, kind: kind}
	}
	anyNode := -1
	if g.hasAny() {
		anyNode = n
		index[""] = n
		boxes = append(boxes, box{name: AnyState, w: charW*float64(len(AnyState)) + 28, row: -1, kind: "any", ofAnyState: true})
	}
	// The drawn edges, with their ends' indexes, and each node's edges
	// out and in (but those of go back, whose end is the caller), in
	// the edges' order.
	type drawn struct {
		Edge
		from, to int
	}
	var edges []drawn
	out := make([][]int, len(boxes))
	in := make([][]int, len(boxes))
	for _, e := range g.Edges {
		if _, _, ok := edgeEnds(ids, e); ok {
			from, to := index[e.From], index[e.To]
			edges = append(edges, drawn{e, from, to})
			if e.To != "" {
				out[from] = append(out[from], to)
				in[to] = append(in[to], from)
			}
		}
	}

	// Rows: breadth first from the initial state and the node of any state.
	var queue []int
	for i, s := range states {
		if s.Initial {
			boxes[i].row = 0
			queue = append(queue, i)
			break
		}
	}
	if anyNode >= 0 {
		boxes[anyNode].row = 0
		queue = append(queue, anyNode)
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, to := range out[cur] {
			if boxes[to].row < 0 {
				boxes[to].row = boxes[cur].row + 1
				queue = append(queue, to)
			}
		}
	}
	rows := 0
	for _, b := range boxes {
		rows = max(rows, b.row+1)
	}
	apart := false
	for i := range boxes {
		if boxes[i].row < 0 {
			boxes[i].row = rows
			apart = true
		}
	}
	if apart {
		rows++
	}

	// Order within a row: source order, then each row by the mean place
	// of the states above that lead to it, which uncrosses most edges.
	byRow := make([][]int, rows)
	for i, b := range boxes {
		byRow[b.row] = append(byRow[b.row], i)
	}
	place := make([]float64, len(boxes))
	key := make([]float64, len(boxes))
	for r, row := range byRow {
		for k, i := range row {
			sum, cnt := 0.0, 0
			for _, from := range in[i] {
				if boxes[from].row < r {
					sum += place[from]
					cnt++
				}
			}
			key[i] = float64(k)
			if cnt > 0 && r > 0 && !(apart && r == rows-1) {
				key[i] = sum / float64(cnt)
			}
		}
		slices.SortStableFunc(row, func(a, b int) int {
			switch {
			case key[a] < key[b]:
				return -1
			case key[a] > key[b]:
				return 1
			}
			return 0
		})
		for k, i := range row {
			place[i] = float64(k)
		}
	}

	// Coordinates: each row centred on the widest.
	rowW := make([]float64, rows)
	width := 0.0
	for r, row := range byRow {
		for k, i := range row {
			if k > 0 {
				rowW[r] += nodeGap
			}
			rowW[r] += boxes[i].w
		}
		width = max(width, rowW[r])
	}
	top := margin + 28 // room for the start mark
	for r, row := range byRow {
		x := margin + (width-rowW[r])/2
		y := top + float64(r)*(nodeH+rowGap) + nodeH/2
		if apart && r == rows-1 {
			y += 24 // room for the title of the row apart
		}
		for _, i := range row {
			boxes[i].x = x + boxes[i].w/2
			boxes[i].y = y
			x += boxes[i].w + nodeGap
		}
	}
	// The right end of each row, for the lanes of the edges that go up
	// past rows: the rightmost of a span of rows is one lookup.
	right := newRangeMax(rows, func(r int) float64 {
		if row := byRow[r]; len(row) > 0 {
			b := boxes[row[len(row)-1]]
			return b.x + b.w/2
		}
		return 0
	})

	var body strings.Builder
	maxX, maxY := margin+width, top+float64(rows)*(nodeH+rowGap)-rowGap
	if apart {
		maxY += 24
		y := boxes[byRow[rows-1][0]].y - nodeH/2 - 12
		fmt.Fprintf(&body, `<text class="apart" x="%.1f" y="%.1f">no path reaches these</text>`+"\n", margin, y)
	}

	// Edges under the states: a pair's parallel edges spread apart.
	seen := map[[2]int]int{}
	for _, e := range edges {
		from, to := e.from, e.to
		k := seen[[2]int{from, to}]
		seen[[2]int{from, to}]++
		a, b := boxes[from], boxes[to]
		off := float64(k) * 22
		text := oneLine(e.Text())
		tw := labelW*float64(len([]rune(text))) + 8
		var path string
		var lx, ly float64
		switch {
		case from == to:
			rx := a.x + a.w/2
			path = fmt.Sprintf("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", rx, a.y-8, rx+loopReach+off, a.y-44-off/2, rx+loopReach+off, a.y+44+off/2, rx, a.y+8)
			lx, ly = rx+loopReach*0.75+off+4, a.y
		case a.row < b.row:
			sy, ty := a.y+nodeH/2, b.y-nodeH/2
			dy := (ty - sy) / 2
			// Edges leave a's bottom spread towards their targets, left
			// of the edges coming back up.
			sx, tx := port(a, b)-6+off, b.x-6+off
			path = fmt.Sprintf("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", sx, sy, sx, sy+dy, tx, ty-dy, tx, ty)
			lx, ly = (sx+tx)/2, (sy+ty)/2
		case a.row == b.row:
			sy := a.y - nodeH/2
			lift := 34 + off + 0.12*abs(b.x-a.x)
			path = fmt.Sprintf("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", a.x, sy, a.x, sy-lift, b.x, sy-lift, b.x, sy)
			lx, ly = (a.x+b.x)/2, sy-lift*0.75
		case a.row > b.row+1: // up past other rows: in a lane right of those between
			side := max(0, right.of(b.row+1, a.row-1)) + 28 + off
			sx, tx := a.x+a.w/4+off, b.x+b.w/4+off
			sy, ty := a.y-nodeH/2, b.y+nodeH/2
			y1, y2 := sy-rowGap/3, ty+rowGap/3
			path = fmt.Sprintf("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1fL%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f",
				sx, sy, sx, y1, side, y1, side, y1-10, side, y2+10, side, y2, tx, y2, tx, ty)
			lx, ly = side+tw/2+3, (y1+y2)/2
		default: // up one row: right of the edges down
			sx, tx := a.x+10+off, port(b, a)+6+off
			sy, ty := a.y-nodeH/2, b.y+nodeH/2
			dy := (sy - ty) / 2
			path = fmt.Sprintf("M%.1f %.1fC%.1f %.1f %.1f %.1f %.1f %.1f", sx, sy, sx, sy-dy, tx, ty+dy, tx, ty)
			// Near a, away from the middle, where the label of an edge
			// down between the same rows is.
			lx, ly = 0.8*sx+0.2*tx, sy-0.2*(sy-ty)-4
		}
		class := "edge"
		if e.automatic() {
			class += " auto"
		}
		maxX = max(maxX, lx+tw/2, a.x+a.w/2+loopReach+off+8)
		fmt.Fprintf(&body, `<g class="%s"><path d="%s" marker-end="url(#arrow)"/>`, class, path)
		fmt.Fprintf(&body, `<rect class="label" x="%.1f" y="%.1f" width="%.1f" height="15" rx="3"/><text x="%.1f" y="%.1f">%s</text></g>`+"\n",
			lx-tw/2, ly-8, tw, lx, ly+3.5, xmlText(text))
	}

	// The start mark, then the states.
	for i, s := range states {
		if s.Initial {
			b := boxes[i]
			fmt.Fprintf(&body, `<g class="start"><circle cx="%.1f" cy="%.1f" r="6"/><path d="M%.1f %.1fV%.1f" marker-end="url(#arrow)"/></g>`+"\n",
				b.x-b.w/4, b.y-nodeH/2-24, b.x-b.w/4, b.y-nodeH/2-18, b.y-nodeH/2)
			break
		}
	}
	W, H := maxX+margin, maxY+margin
	var svg strings.Builder
	svg.Grow(body.Len() + len(svgStyle) + 256 + 160*len(boxes))
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" class="bot-graph" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s">`+"\n",
		W, H, W, H, xmlText("The states of "+g.Bot))
	svg.WriteString(svgStyle)
	svg.WriteString(body.String())
	marks := make(map[string][2]int, n)
	for i, b := range boxes {
		fmt.Fprintf(&svg, `<g class="%s`, b.kind)
		if i < n {
			mark := svg.Len()
			fmt.Fprintf(&svg, `" data-state="%s`, xmlText(b.name))
			marks[b.name] = [2]int{mark, svg.Len() + 1}
		}
		fmt.Fprintf(&svg, `"><rect x="%.1f" y="%.1f" width="%.1f" height="%.0f" rx="10"/><text x="%.1f" y="%.1f">%s</text></g>`+"\n",
			b.x-b.w/2, b.y-nodeH/2, b.w, nodeH, b.x, b.y+4.5, xmlText(oneLine(b.name)))
	}
	svg.WriteString("</svg>\n")
	return &Drawing{svg: svg.String(), marks: marks}
}

// rangeMax answers the greatest of n values over any span of them in
// constant time, from a table of the greatest over the spans of each
// length 2^k (a sparse table: n log n to build).
type rangeMax [][]float64

func newRangeMax(n int, value func(int) float64) rangeMax {
	t := rangeMax{make([]float64, n)}
	for i := range n {
		t[0][i] = value(i)
	}
	for k := 1; 1<<k <= n; k++ {
		prev, half := t[k-1], 1<<(k-1)
		level := make([]float64, n-1<<k+1)
		for i := range level {
			level[i] = max(prev[i], prev[i+half])
		}
		t = append(t, level)
	}
	return t
}

// of returns the greatest of the values lo to hi, both included; lo <= hi.
func (t rangeMax) of(lo, hi int) float64 {
	k := bits.Len(uint(hi-lo+1)) - 1
	return max(t[k][lo], t[k][hi-1<<k+1])
}

// svgStyle makes the drawing stand alone; a page that shows it may restyle
// its classes.
const svgStyle = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>
<style>
.bot-graph{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
.state rect,.any rect{fill:#fff;stroke:#444;stroke-width:1.3}
.state text,.any text{font-size:13px;text-anchor:middle;fill:#111}
.initial rect{stroke-width:3}
.global rect{fill:#e8f0fe}
.unreachable rect{stroke:#999;stroke-dasharray:5 3}
.unreachable text{fill:#666}
.any rect{stroke-dasharray:5 3;fill:#f6f6f6}
.current rect{fill:#2563eb;stroke:#1e40af}
.current text{fill:#fff;font-weight:600}
.edge path{fill:none;stroke:#555;stroke-width:1.2}
.edge.auto path{stroke-dasharray:5 4}
.edge text{font-size:11px;text-anchor:middle;fill:#333}
.label{fill:#fff;fill-opacity:.85}
.start circle{fill:#111}.start path{stroke:#111;stroke-width:1.3}
.apart{font-size:12px;fill:#666;font-style:italic}
</style>
`

// port is where on a's bottom (or top) an edge to or from b meets it:
// towards b, within a's width.
func port(a, b box) float64 {
	d := max(-(a.w/2 - 10), min(a.w/2-10, (b.x-a.x)*0.2))
	return a.x + d
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// oneLine puts a label on one line, as SVG text does not break at line
// breaks, and control characters and bytes that are not UTF-8 as blanks,
// as the other writers do.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0xfffd {
			return ' '
		}
		return r
	}, s)), " ")
}

// xmlText escapes s for XML text and attributes, dropping the characters
// XML cannot hold even escaped.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r < ' ' && r != '\t' || r == 0xfffe || r == 0xffff || r >= 0xd800 && r < 0xe000:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
