package engine_test

import (
	"errors"
	"math"
	"testing"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
	val "github.com/botgen-dev/botgen/runtime/value"
)

// runBody runs body as the initial state's body and returns what it
// replied, or the failure that stopped it.
func runBody(t *testing.T, body func(t *engine.Turn) string) (string, *engine.CallError) {
	t.Helper()
	b := &engine.Bot{Name: "ops", Initial: "s", States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
		t.Reply(reply.NewText(reply.Str, body(t)))
	}}}}
	s := newEngine(t, b).NewSession("x")
	got := s.Start()
	if err := s.Err(); err != nil {
		var ce *engine.CallError
		if !errors.As(err, &ce) {
			t.Fatalf("a failure that is not a CallError: %v", err)
		}
		return "", ce
	}
	return texts(got)[0], nil
}

func TestCheckedOperations(t *testing.T) {
	order := val.RecordOf("id", 1002.0, "item", "teapot")
	orders := []val.Value{order, val.RecordOf("id", 1003.0, "item", "mugs")}
	for _, c := range []struct {
		name string
		body func(t *engine.Turn) string
		want string // the reply, or the failure's message
	}{
		{"field", func(t *engine.Turn) string { return t.AsStr("o.bot:1:1", t.Field("o.bot:1:1", order, "item")) }, "teapot"},
		{"missing field", func(t *engine.Turn) string { return val.Text(t.Field("o.bot:1:1", order, "price")) }, "no field price in the record (its fields: id, item)"},
		{"field of a list", func(t *engine.Turn) string { return val.Text(t.Field("o.bot:1:1", orders, "item")) }, `["teapot","mugs"]`},
		{"projection", func(t *engine.Turn) string { return val.Text(t.Project("o.bot:1:1", orders, "id")) }, "[1002,1003]"},
		{"index", func(t *engine.Turn) string { return val.Text(t.Index("o.bot:1:1", orders, 1.0)) }, `{"id":1003,"item":"mugs"}`},
		{"key", func(t *engine.Turn) string { return val.Text(t.Index("o.bot:1:1", order, "id")) }, "1002"},
		{"index out of range", func(t *engine.Turn) string { return val.Text(t.Index("o.bot:1:1", orders, 2.0)) }, "list index 2 is out of range: the list has 2 elements"},
		{"index of a bool", func(t *engine.Turn) string { return val.Text(t.Index("o.bot:1:1", orders, true)) }, "expected an index (a number or a string), got a bool (true)"},
		{"number", func(t *engine.Turn) string { return val.Text(t.AsNum("o.bot:1:1", 2.5)) }, "2.5"},
		{"not a number", func(t *engine.Turn) string { return val.Text(t.AsNum("o.bot:1:1", "2.5")) }, `expected a number, got a string ("2.5")`},
		{"not a bool", func(t *engine.Turn) string { return val.Text(t.AsBool("o.bot:1:1", nil)) }, "expected true or false, got null"},
		{"len", func(t *engine.Turn) string { return val.Text(t.Len("o.bot:1:1", orders)) }, "2"},
		{"len of a number", func(t *engine.Turn) string { return val.Text(t.Len("o.bot:1:1", 3.0)) }, "len takes a list, a record or a string, not a number (3)"},
		{"num", func(t *engine.Turn) string { return val.Text(t.NumOf("o.bot:1:1", " 21.5 ")) }, "21.5"},
		{"num of a word", func(t *engine.Turn) string { return val.Text(t.NumOf("o.bot:1:1", "warm")) }, `expected a number, got a string ("warm"): not a number`},
		{"join", func(t *engine.Turn) string { return t.Join("o.bot:1:1", []val.Value{"a", 1.0}, "+") }, "a+1"},
		{"join of a record", func(t *engine.Turn) string { return t.Join("o.bot:1:1", order, "+") }, "expected a list, got a record"},
		{"shape", func(t *engine.Turn) string {
			return val.Text(t.AsShape("o.bot:1:1", orders, &val.Shape{Kind: val.KindList, Elem: &val.Shape{Kind: val.KindRecord}}))
		}, `[{"id":1002,"item":"teapot"},{"id":1003,"item":"mugs"}]`},
		{"wrong shape", func(t *engine.Turn) string {
			return val.Text(t.AsShape("o.bot:1:1", order, &val.Shape{Kind: val.KindList}))
		}, "expected a list, got a record"},
		{"from Go", func(t *engine.Turn) string { return val.Text(t.FromGo("o.bot:1:1", "f", []int{1, 2})) }, "[1,2]"},
		{"from Go, a channel", func(t *engine.Turn) string { return val.Text(t.FromGo("o.bot:1:1", "f", make(chan int))) }, "the result of f: chan int cannot be a value of the bot: it has no JSON form"},
		{"table", func(t *engine.Turn) string { return t.TableOf("o.bot:1:1", orders).Text }, `{"id":{"0":1002,"1":1003},"item":{"0":"teapot","1":"mugs"}}`},
		{"options", func(t *engine.Turn) string { return t.OptionsOf("o.bot:1:1", []val.Value{"a"}).Text }, `{"0": "a"}`},
		{"chart of lists of other lengths", func(t *engine.Turn) string {
			return t.ChartOf("o.bot:1:1", "bar", "", []val.Value{"a"}, reply.DataSeries{Y: []val.Value{}}).Text
		}, "the chart's x has 1 values, its y 0: they must have as many"},
	} {
		got, fail := runBody(t, c.body)
		if fail != nil {
			got = fail.Err.Error()
			if fail.At != "o.bot:1:1" {
				t.Errorf("%s: failed at %q", c.name, fail.At)
			}
		}
		if got != c.want {
			t.Errorf("%s: got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestWholeAndFloat32(t *testing.T) {
	for _, c := range []struct {
		name string
		body func(t *engine.Turn) string
		want string
	}{
		{"int", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int](t, "o.bot:1:1", "argument 1 of f", -42)))
		}, "-42"},
		{"not whole", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int](t, "o.bot:1:1", "argument 1 of f", 2.5)))
		}, "argument 1 of f: 2.5 is not a whole number (Go int)"},
		{"NaN", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int64](t, "o.bot:1:1", "argument 1 of f", math.NaN())))
		}, "argument 1 of f: NaN is not a whole number (Go int64)"},
		{"uint8", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[uint8](t, "o.bot:1:1", "argument 2 of f", 255)))
		}, "255"},
		{"uint8 overflow", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[uint8](t, "o.bot:1:1", "argument 2 of f", 256)))
		}, "argument 2 of f: 256 does not fit in Go uint8"},
		{"negative uint", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[uint](t, "o.bot:1:1", "argument 2 of f", -1)))
		}, "argument 2 of f: -1 does not fit in Go uint"},
		{"int8 low", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int8](t, "o.bot:1:1", "argument 1 of f", -128)))
		}, "-128"},
		{"int8 under", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int8](t, "o.bot:1:1", "argument 1 of f", -129)))
		}, "argument 1 of f: -129 does not fit in Go int8"},
		{"int64 over", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int64](t, "o.bot:1:1", "argument 1 of f", math.Exp2(63))))
		}, "argument 1 of f: 9223372036854776000 does not fit in Go int64"},
		{"infinity", func(t *engine.Turn) string {
			return val.Text(float64(engine.Whole[int64](t, "o.bot:1:1", "argument 1 of f", math.Inf(1))))
		}, "argument 1 of f: +Inf does not fit in Go int64"},
		{"float32", func(t *engine.Turn) string {
			return val.Text(float64(engine.Float32(t, "o.bot:1:1", "argument 1 of f", 0.5)))
		}, "0.5"},
		{"float32 overflow", func(t *engine.Turn) string {
			return val.Text(float64(engine.Float32(t, "o.bot:1:1", "argument 1 of f", 1e39)))
		}, "argument 1 of f: 1000000000000000000000000000000000000000 does not fit in Go float32"},
	} {
		got, fail := runBody(t, c.body)
		if fail != nil {
			got = fail.Err.Error()
		}
		if got != c.want {
			t.Errorf("%s: got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// A variable of a dynamic value starts as null; one of a list or a record
// with its initial value.
func TestVariablesOfValues(t *testing.T) {
	b := &engine.Bot{Name: "vars", Initial: "s",
		Vars: []engine.Var{{Name: "w", Init: nil}, {Name: "items", Init: []val.Value{}}, {Name: "where", Init: val.RecordOf("lat", 0.0)}},
		States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
			t.Reply(reply.NewText(reply.Str, val.Text(t.Val("w"))+"|"+val.Text(t.Val("items"))+"|"+val.Text(t.Val("where"))))
		}}}}
	wantTexts(t, newEngine(t, b).NewSession("x").Start(), `|[]|{"lat":0}`)
}

// A mock that fails with an empty message still fails.
func TestMockFailingWithoutAMessage(t *testing.T) {
	b := &engine.Bot{Name: "m", Initial: "s", States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
		v, ok := t.Mocked("m.bot:2:5", "f")
		t.Reply(reply.NewText(reply.Str, val.Text(v)+val.Text(ok)))
	}}}}
	s := newEngine(t, b).NewSession("x")
	s.SetMocks(&engine.Mocks{Funcs: map[string]engine.FuncMock{"f": {Fail: true}}})
	s.Start()
	var ce *engine.CallError
	if !errors.As(s.Err(), &ce) || ce.At != "m.bot:2:5" || ce.Err.Error() != "" {
		t.Errorf("got %v", s.Err())
	}
}

// order is a Go function as a bot's folder holds one.
type order struct {
	ID     int     `json:"id"`
	Item   string  `json:"item"`
	Status string  `json:"status"`
	Total  float64 `json:"total"`
}

func findOrder(id int) (order, error) {
	if id != 1002 {
		return order{}, errors.New("no such order")
	}
	return order{1002, "teapot", "late", 24.5}, nil
}

// callFindOrder is what the generator writes for findOrder.
func callFindOrder(t *engine.Turn, at string, a0 float64) val.Value {
	if v, ok := t.Mocked(at, "findOrder"); ok {
		return v
	}
	r, err := findOrder(engine.Whole[int](t, at, "argument 1 (id) of findOrder", a0))
	t.Check(at, err)
	return t.FromGo(at, "findOrder", r)
}

// BenchmarkGoCall is one call of a Go function from a body, as generated
// code makes it: the mock looked up, the number converted to an int, the
// function called, its struct converted to a record, and a field read
// back with its kind checked.
func BenchmarkGoCall(b *testing.B) {
	bot := &engine.Bot{Name: "calls", Initial: "s", States: []engine.State{{Name: "s", Body: func(t *engine.Turn) {
		b.ReportAllocs()
		for b.Loop() {
			o := callFindOrder(t, "orders.bot:33:13", 1002)
			if t.AsStr("orders.bot:34:29", t.Field("orders.bot:34:29", o, "item")) != "teapot" {
				b.Fatal("wrong order")
			}
		}
	}}}}
	s := newEngine(b, bot).NewSession("bench")
	s.Start()
	if err := s.Err(); err != nil {
		b.Fatal(err)
	}
}
