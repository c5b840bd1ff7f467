package gofuncs

import (
	"cmp"
	"go/types"
	"reflect"
	"slices"
	"strings"

	"github.com/botgen-dev/botgen/runtime/value"
)

// jsonField is a field of a struct as encoding/json writes it.
type jsonField struct {
	name   string     // its JSON name
	typ    types.Type // its Go type
	quoted bool       // `json:",string"` on a number, a bool or a string: written as a string
	tagged bool       // the name comes from the tag
	index  []int      // the path of field indexes from the outer struct, through embedded ones
	owner  types.Type // the struct type that declares it, for messages
	goName string     // its Go name, for messages
}

// jsonFields returns the fields encoding/json writes for a value of the
// struct type t, in its order: as typeFields in encoding/json does, it
// promotes the fields of embedded structs, breadth first, and of the fields
// with one name keeps the shallowest, or the only tagged one at that
// depth, and none when that leaves a tie.
func jsonFields(t types.Type) []jsonField {
	var fields []jsonField
	current := []jsonField{}
	next := []jsonField{{typ: t}}
	// The number of times a struct type is met at the current and the next
	// depth: a type met twice at one depth annihilates its fields.
	var count, nextCount map[types.Type]int
	visited := map[types.Type]bool{}
	for len(next) > 0 {
		current, next = next, current[:0]
		count, nextCount = nextCount, map[types.Type]int{}
		for _, f := range current {
			if visited[f.typ] {
				continue
			}
			visited[f.typ] = true
			st, ok := f.typ.Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				sf := st.Field(i)
				ft := types.Unalias(sf.Type())
				if p, ok := ft.(*types.Pointer); ok {
					ft = types.Unalias(p.Elem())
				}
				if sf.Embedded() {
					if !sf.Exported() && !isStruct(ft) {
						continue // an unexported embedded non-struct
					}
					// An unexported embedded struct may have exported fields.
				} else if !sf.Exported() {
					continue
				}
				tag := value.ReadJSONTag(reflect.StructTag(st.Tag(i)))
				if tag.Skip {
					continue
				}
				name := tag.Name
				index := append(slices.Clone(f.index), i)
				if name != "" || !sf.Embedded() || !isStruct(ft) {
					quoted := false
					if tag.String {
						if b, ok := ft.Underlying().(*types.Basic); ok && b.Info()&(types.IsBoolean|types.IsInteger|types.IsFloat|types.IsString) != 0 {
							quoted = true
						}
					}
					field := jsonField{name: name, typ: sf.Type(), quoted: quoted, tagged: name != "", index: index, owner: f.typ, goName: sf.Name()}
					if field.name == "" {
						field.name = sf.Name()
					}
					fields = append(fields, field)
					if count[f.typ] > 1 {
						// Met twice at this depth: its fields tie with
						// themselves, and the tie removes them.
						fields = append(fields, fields[len(fields)-1])
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, jsonField{name: ft.String(), index: index, typ: ft})
				}
			}
		}
	}
	slices.SortFunc(fields, func(a, b jsonField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for advance, i := 0, 0; i < len(fields); i += advance {
		fi := fields[i]
		for advance = 1; i+advance < len(fields); advance++ {
			if fields[i+advance].name != fi.name {
				break
			}
		}
		if advance == 1 {
			out = append(out, fi)
			continue
		}
		// The shallowest wins, and of those the tagged one; a tie leaves
		// none.
		if len(fields[i].index) == len(fields[i+1].index) && fields[i].tagged == fields[i+1].tagged {
			continue
		}
		out = append(out, fi)
	}
	slices.SortFunc(out, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	return out
}

func isStruct(t types.Type) bool {
	_, ok := t.Underlying().(*types.Struct)
	return ok
}
