package syntax

import (
	"os"
	"testing"
)

// The v2 forms parse into the nodes the checker reads: settings, selectors,
// record and list literals, for, replies of data, on error, mocks, and a
// go followed by an if read as a condition or as a statement.
func TestValueForms(t *testing.T) {
	src := `bot b
setting api = "https://example.org"
state s {
    set w = get(api, {lat: where.lat, "long name": [1, -2]})
    for o in w.items[0].list { reply "{o}" }
    reply table w.items
    reply options w.items.name
    reply chart bar { x w.days y "units": w.units }
    go warm if num(w.temp) >= 25
    go s
    if w.ok { reply "ok" } else { reply "no" }
    on error -> s
}
test "t" {
    mock get api returns {a: 1}
    mock post "https://x.example/y" fails "down"
    mock locate returns [{lat: 1}]
}
`
	f, diags := Parse("b.bot", []byte(src))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if d := f.Decls[0].Setting; d == nil || d.Name.Name != "api" || d.Value.Str == nil {
		t.Fatalf("setting: %+v", f.Decls[0])
	}
	items := f.Decls[1].State.Items
	set := items[0].Stmt.Set.Value.Left.Left.Cmp.Left.Left.Left.Prim.Call
	if set == nil || set.Func.Name != "get" || len(set.Args) != 2 {
		t.Fatalf("call: %+v", set)
	}
	rec := set.Args[1].Left.Left.Cmp.Left.Left.Left.Prim.Record
	if rec == nil || len(rec.Fields) != 2 || rec.Fields[0].Key.Name != "lat" || rec.Fields[1].KeyText == nil {
		t.Fatalf("record: %+v", rec)
	}
	if sel := rec.Fields[0].Value.Left.Left.Cmp.Left.Left.Left.Sel; len(sel) != 1 || sel[0].Field.Name != "lat" {
		t.Fatalf("selector: %+v", sel)
	}
	if l := rec.Fields[1].Value.Left.Left.Cmp.Left.Left.Left.Prim.List; l == nil || len(l.Elems) != 2 {
		t.Fatalf("list: %+v", l)
	}
	loop := items[1].Stmt.For
	if loop == nil || loop.Var.Name != "o" || len(loop.List.Left.Left.Cmp.Left.Left.Left.Sel) != 3 || len(loop.Body.Stmts) != 1 {
		t.Fatalf("for: %+v", loop)
	}
	if r := items[2].Stmt.Reply; r.TableOf == nil || r.TableCSV != nil {
		t.Fatalf("reply table: %+v", r)
	}
	if r := items[3].Stmt.Reply; r.OptionsOf == nil || r.Options != nil {
		t.Fatalf("reply options: %+v", r)
	}
	if c := items[4].Stmt.Reply.Chart; c == nil || c.Items[0].XOf == nil || c.Items[1].Y.Of == nil || c.Items[1].Y.Name == nil {
		t.Fatalf("chart: %+v", c)
	}
	if g := items[5].Go; g == nil || g.Target.Name != "warm" || g.Cond == nil || g.If != nil {
		t.Fatalf("conditional go: %+v", g)
	}
	if g := items[6].Go; g == nil || g.Target.Name != "s" || g.Cond != nil {
		t.Fatalf("plain go: %+v", g)
	}
	if st := items[7].Stmt; st == nil || st.If == nil || st.If.Else == nil {
		t.Fatalf("an if after a go is a statement: %+v", items[7])
	}
	if on := items[8].On; on == nil || !on.Error || on.Intent != nil {
		t.Fatalf("on error: %+v", on)
	}
	steps := f.Decls[2].Test.Steps
	if m := steps[0].Mock; m == nil || m.Func.Name != "get" || m.Target.Setting.Name != "api" || m.Returns == nil {
		t.Fatalf("mock get: %+v", m)
	}
	if m := steps[1].Mock; m == nil || m.Func.Name != "post" || m.Target.URL == nil || m.Fails == nil {
		t.Fatalf("mock post: %+v", m)
	}
	if m := steps[2].Mock; m == nil || m.Func.Name != "locate" || m.Target != nil || m.Returns == nil {
		t.Fatalf("mock locate: %+v", m)
	}
}

// The reference bots of the language's second version parse.
func TestReferenceBotsParse(t *testing.T) {
	for _, p := range []string{"../../../shared/examples/forecast/forecast.bot", "../../../shared/examples/orders/orders.bot"} {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Skipf("no ../shared: %v", err)
		}
		if _, diags := Parse(p, src); diags.HasErrors() {
			t.Errorf("%s: %v", p, diags)
		}
	}
}
