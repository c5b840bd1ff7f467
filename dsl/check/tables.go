package check

import (
	"strconv"

	"github.com/botgen-dev/botgen/dsl/ir"
)

// inlineCell is a cell of an inline table: its literal, and for a number
// written as an integer within int64 (no point, no exponent), its value.
type inlineCell struct {
	v     ir.Value
	i     int64
	isInt bool
}

// newInlineCell returns the cell of literal v, written as num when a number.
func newInlineCell(v ir.Value, num *string) inlineCell {
	c := inlineCell{v: v}
	if num != nil && v.Type == ir.Number {
		if i, err := strconv.ParseInt(*num, 10, 64); err == nil {
			c.i, c.isInt = i, true
		}
	}
	return c
}

// typeInlineTable types the cells of an inline table as pandas types a
// DataFrame built from the same Python literals: a column of integers is an
// integer column, numbers with at least one written as a float make a float
// column (2 is sent as 2.0), and a column mixing kinds keeps each cell's
// own. An integer beyond int64 counts as a float. Rows are cut or padded
// with nulls to n cells (a row of the wrong length is an error already).
func typeInlineTable(rows [][]inlineCell, n int) [][]ir.Cell {
	out := make([][]ir.Cell, len(rows))
	for r := range rows {
		out[r] = make([]ir.Cell, n)
	}
	for c := range n {
		kinds := map[ir.Type]bool{}
		floats := false
		for _, row := range rows {
			if c < len(row) {
				kinds[row[c].v.Type] = true
				floats = floats || (row[c].v.Type == ir.Number && !row[c].isInt)
			}
		}
		floatColumn := len(kinds) == 1 && kinds[ir.Number] && floats
		for r, row := range rows {
			if c >= len(row) {
				continue
			}
			cell, v := row[c], row[c].v
			switch {
			case v.Type == ir.Number && cell.isInt && !floatColumn:
				out[r][c] = ir.Cell{Kind: ir.CellInt, Int: cell.i}
			case v.Type == ir.Number:
				out[r][c] = ir.Cell{Kind: ir.CellFloat, Float: v.Num}
			case v.Type == ir.Bool:
				out[r][c] = ir.Cell{Kind: ir.CellBool, Bool: v.Bool}
			case v.Type == ir.String:
				out[r][c] = ir.Cell{Kind: ir.CellText, Text: v.Str}
			}
		}
	}
	return out
}
