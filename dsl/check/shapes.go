package check

import "github.com/botgen-dev/botgen/dsl/ir"

// fitness tells how a value goes where a shape is wanted.
type fitness int

const (
	fitsNot     fitness = iota // never
	fitsChecked                // after a run-time check of its dynamic parts
	fitsExactly                // always
)

// fit tells how a value of shape v goes where shape w is wanted: a dynamic
// w takes anything; a dynamic part of v fits after a check. partial
// accepts a record without some of w's fields (they take their zero
// values), as a mocked result may be written.
func fit(v, w ir.Shape, partial bool) fitness {
	switch {
	case w.Type == ir.Dynamic:
		return fitsExactly
	case v.Type == ir.Dynamic:
		return fitsChecked
	case v.Type != w.Type:
		return fitsNot
	case v.Type == ir.List:
		return fit(v.ElemShape(), w.ElemShape(), partial)
	case v.Type != ir.Record:
		return fitsExactly
	case w.Open:
		// Every field of v must fit w's element.
		if v.Open {
			return fit(v.ElemShape(), w.ElemShape(), partial)
		}
		f := fitsExactly
		for _, vf := range v.Fields {
			f = min(f, fit(vf.Shape, w.ElemShape(), partial))
		}
		return f
	case v.Open:
		// Its keys are known only at run time.
		return fitsChecked
	}
	if !partial && len(v.Fields) != len(w.Fields) {
		return fitsNot
	}
	f := fitsExactly
	for _, vf := range v.Fields {
		wf, ok := w.Field(vf.Name)
		if !ok {
			return fitsNot
		}
		f = min(f, fit(vf.Shape, wf, partial))
	}
	return f
}
