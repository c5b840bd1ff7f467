package dsl

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

func loadExample(t *testing.T, name string) *ir.Bot {
	t.Helper()
	bot, diags := Load(filepath.Join("..", "testdata", "examples", name), CheckOptions{})
	if len(diags) > 0 {
		t.Fatalf("%s: want no diagnostics, got:\n%s", name, diags.Error())
	}
	return bot
}

func TestExamplesCheckClean(t *testing.T) {
	paths, _ := filepath.Glob("../testdata/examples/*.bot")
	if len(paths) < 4 {
		t.Fatalf("found %d examples", len(paths))
	}
	for _, p := range paths {
		bot := loadExample(t, filepath.Base(p))
		if bot.SourceFile != filepath.Base(p) || len(bot.SourceHash) != 64 {
			t.Errorf("%s: SourceFile %q, SourceHash %q", p, bot.SourceFile, bot.SourceHash)
		}
		if bot.Initial == "" || len(bot.States) == 0 || len(bot.Tests) == 0 {
			t.Errorf("%s: initial %q, %d states, %d tests", p, bot.Initial, len(bot.States), len(bot.Tests))
		}
	}
}

func findState(t *testing.T, bot *ir.Bot, name string) *ir.State {
	t.Helper()
	for i := range bot.States {
		if bot.States[i].Name == name {
			return &bot.States[i]
		}
	}
	t.Fatalf("no state %q", name)
	return nil
}

func TestWeatherIR(t *testing.T) {
	bot := loadExample(t, "weather.bot")
	if len(bot.Entities) != 1 || bot.Entities[0].Name != "city" {
		t.Fatalf("entities: %+v", bot.Entities)
	}
	vals := bot.Entities[0].Values
	if len(vals) != 3 || vals[0].Canonical != "Barcelona" || strings.Join(vals[0].Synonyms, ",") != "BCN,barna" || vals[1].Canonical != "Madrid" || len(vals[1].Synonyms) != 0 {
		t.Errorf("entity values: %+v", vals)
	}
	in := bot.Intents[0]
	if in.Name != "weather" || len(in.Sentences) != 2 || in.Sentences[0] != "what is the weather in {city1}?" {
		t.Errorf("intent: %+v", in)
	}
	if len(in.Params) != 1 || in.Params[0] != (nlu.Param{Name: "city1", Entity: "city"}) {
		t.Errorf("params: %+v", in.Params)
	}
	if len(bot.Vars) != 1 || bot.Vars[0].Name != "temperature" || bot.Vars[0].Init.Type != ir.Number {
		t.Errorf("vars: %+v", bot.Vars)
	}
	want := []ir.ConfigEntry{{Key: "websocket.port", Value: "8765"}, {Key: "nlp.intent_threshold", Value: "0.4"}}
	if len(bot.Config) != 2 || bot.Config[0].Key != want[0].Key || bot.Config[0].Value != want[0].Value || bot.Config[1].Value != want[1].Value {
		t.Errorf("config: %+v", bot.Config)
	}
	st := findState(t, bot, "weather_state")
	set, ok := st.Body[0].(*ir.Set)
	if !ok || set.Var != "temperature" {
		t.Fatalf("first statement: %#v", st.Body[0])
	}
	call, ok := set.Value.(*ir.Call)
	if !ok || call.Func != "round" || len(call.Args) != 2 || call.Args[0].(*ir.Call).Func != "random" {
		t.Errorf("set value: %#v", set.Value)
	}
	iff := st.Body[1].(*ir.If)
	if cond := iff.Cond.(*ir.Binary); cond.Op != "==" || cond.X.(*ir.Ref).Kind != ir.ParamRef {
		t.Errorf("if condition: %#v", iff.Cond)
	}
	reply := iff.Else[0].(*ir.Reply)
	parts := reply.Text.Parts
	if len(parts) != 5 || parts[0].Text != "The weather in " || parts[1].Expr.(*ir.Ref).Name != "city1" || parts[3].Expr.(*ir.Ref).Kind != ir.VarRef || parts[4].Text != "°C" {
		t.Errorf("template: %+v", parts)
	}
	if st.Transitions[0].Kind != ir.Go || st.Transitions[0].Target != "s0" {
		t.Errorf("transitions: %+v", st.Transitions)
	}
	step := bot.Tests[0].Steps[2]
	if step.Kind != ir.BotExpect || !step.Regex || !step.HasText || step.Text != `^The weather in Barcelona is [0-9]+(\.[0-9]+)?°C$` {
		t.Errorf("regex step: %+v", step)
	}
}

func TestHelpDeskIR(t *testing.T) {
	bot := loadExample(t, "help_desk.bot")
	if len(bot.Globals) != 1 || bot.Globals[0] != (ir.Global{Intent: "help", Target: "help_state"}) {
		t.Errorf("globals: %+v", bot.Globals)
	}
	if len(bot.Fallback) != 1 {
		t.Errorf("bot fallback: %+v", bot.Fallback)
	}
	hello := findState(t, bot, "hello_state")
	if !hello.HasFallback || len(hello.Fallback) != 1 {
		t.Errorf("hello fallback: %+v", hello)
	}
	if s0 := findState(t, bot, "s0"); s0.HasFallback || s0.Fallback != nil {
		t.Errorf("s0 fallback: %+v", s0)
	}
	if help := findState(t, bot, "help_state"); help.Transitions[0].Kind != ir.GoBack {
		t.Errorf("help transitions: %+v", help.Transitions)
	}
}

func TestShowcaseIR(t *testing.T) {
	bot := loadExample(t, "showcase.bot")
	reply := func(state string) *ir.Reply {
		return findState(t, bot, state).Body[0].(*ir.Reply)
	}
	start := findState(t, bot, "start")
	md := start.Body[0].(*ir.Reply)
	if md.Kind != ir.ReplyMarkdown || !strings.HasPrefix(md.Text.Parts[0].Text, "**Welcome!** I can show you:\n- a *table*") || strings.HasSuffix(md.Text.Parts[0].Text, "\n") {
		t.Errorf("markdown: %q", md.Text.Parts)
	}
	if opts := start.Body[1].(*ir.Reply); opts.Kind != ir.ReplyOptions || len(opts.Options) != 9 || opts.Options[3].Parts[0].Text != "bar chart" {
		t.Errorf("options: %+v", opts)
	}

	tbl := reply("show_table")
	if tbl.Kind != ir.ReplyDataFrame || tbl.Table == nil || len(tbl.Table.Columns) == 0 || len(tbl.Table.Rows) == 0 {
		t.Fatalf("csv table: %+v", tbl)
	}
	numbers := 0
	for _, row := range tbl.Table.Rows {
		if len(row) != len(tbl.Table.Columns) {
			t.Errorf("ragged row %v", row)
		}
		for _, v := range row {
			if v.Kind == ir.CellFloat || v.Kind == ir.CellInt {
				numbers++
			}
		}
	}
	if numbers == 0 {
		t.Errorf("no number cell in %+v", tbl.Table)
	}
	team := reply("show_team").Table
	if strings.Join(team.Columns, ",") != "name,role" || len(team.Rows) != 2 || team.Rows[1][0].Text != "Linus" {
		t.Errorf("inline table: %+v", team)
	}

	if fig := reply("show_chart"); fig.Kind != ir.ReplyPlotly || !strings.HasPrefix(fig.Figure, "{") || strings.Contains(fig.Figure, "\n") {
		t.Errorf("figure: %+v", fig)
	}
	chart := reply("show_bars").Chart
	if chart == nil || chart.Type != "bar" || chart.Title != "Revenue by quarter" || len(chart.X) != 3 || chart.X[0].Str != "Q1" || len(chart.Series) != 1 || chart.Series[0].Y[1] != 131.25 {
		t.Errorf("chart: %+v", chart)
	}

	img := reply("show_picture")
	f := bot.Files[img.File.Index]
	if f.Name != "logo.jpg" || f.MIME != "image/jpeg" || f.Path != "assets/logo.png" {
		t.Errorf("image file: %s %s %s", f.Name, f.MIME, f.Path)
	}
	if _, err := jpeg.Decode(bytes.NewReader(f.Data)); err != nil {
		t.Errorf("image is not a JPEG: %v", err)
	}

	doc := bot.Files[reply("show_document").File.Index]
	raw, _ := os.ReadFile("../testdata/examples/assets/terms.txt")
	if doc.Name != "terms.txt" || doc.MIME != "text/plain" || !bytes.Equal(doc.Data, raw) {
		t.Errorf("document: %s %s %d bytes", doc.Name, doc.MIME, len(doc.Data))
	}
	if loc := reply("show_location"); loc.Lat != 49.6116 || loc.Lon != 6.1319 {
		t.Errorf("location: %v %v", loc.Lat, loc.Lon)
	}
	up := findState(t, bot, "wait_upload").Transitions[0]
	if up.Kind != ir.OnFile || strings.Join(up.MIMETypes, ",") != "text/csv" {
		t.Errorf("file transition: %+v", up)
	}

	// Files: image and document from the replies, then the test uploads;
	// logo.png appears twice, once re-encoded and once raw.
	var names []string
	for _, f := range bot.Files {
		names = append(names, f.Name+"="+f.MIME)
	}
	if got := strings.Join(names, " "); got != "logo.jpg=image/jpeg terms.txt=text/plain logo.png=image/png sales.csv=text/csv" {
		t.Errorf("files: %s", got)
	}
	steps := bot.Tests[1].Steps
	upload := steps[len(steps)-2]
	if upload.Kind != ir.UserFile || bot.Files[upload.File.Index].Name != "sales.csv" || len(bot.Files[upload.File.Index].Data) != 79 {
		t.Errorf("upload step: %+v", upload)
	}
	steps = bot.Tests[0].Steps
	checks := []struct {
		i    int
		want ir.Step
	}{
		{0, ir.Step{Kind: ir.BotExpect, Reply: ir.ReplyMarkdown, Regex: true, HasText: true, Text: "Welcome"}},
		{3, ir.Step{Kind: ir.BotExpect, Reply: ir.ReplyDataFrame}},
		{7, ir.Step{Kind: ir.BotExpect, Reply: ir.ReplyPlotly}},
		{13, ir.Step{Kind: ir.BotExpect, Reply: ir.ReplyFile, FileName: "terms.txt"}},
		{15, ir.Step{Kind: ir.BotExpect, Reply: ir.ReplyLocation, HasLocation: true, Lat: 49.6116, Lon: 6.1319}},
	}
	for _, c := range checks {
		got := steps[c.i]
		got.Pos = ir.Pos{}
		if got.Kind != c.want.Kind || got.Reply != c.want.Reply || got.Regex != c.want.Regex || got.HasText != c.want.HasText || got.Text != c.want.Text || got.FileName != c.want.FileName || got.HasLocation != c.want.HasLocation || got.Lat != c.want.Lat || got.Lon != c.want.Lon {
			t.Errorf("step %d: got %+v, want %+v", c.i, got, c.want)
		}
	}
	if opts := steps[1]; opts.Reply != ir.ReplyOptions || len(opts.Options) != 9 {
		t.Errorf("options step: %+v", opts)
	}
}

func TestGreetingsIR(t *testing.T) {
	bot := loadExample(t, "greetings.bot")
	if bot.Name != "greetings_bot" || bot.Initial != "initial_state" || len(bot.Intents) != 3 || bot.Fallback != nil {
		t.Errorf("bot: %s %s %d", bot.Name, bot.Initial, len(bot.Intents))
	}
	if len(bot.Tests) != 2 || bot.Tests[1].Name != "a message the current state does not expect" || len(bot.Tests[0].Steps) != 8 {
		t.Errorf("tests: %+v", bot.Tests)
	}
}

func TestEveryConstructIR(t *testing.T) {
	a, err := txtar.ParseFile("../testdata/diagnostics/every_construct.txtar")
	if err != nil {
		t.Fatal(err)
	}
	src := a.Files[0].Data
	f, diags := Parse("input.bot", src)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	bot, diags := Check(f, src, CheckOptions{ReadFile: archiveFS(a)})
	if len(diags) > 0 {
		t.Fatal(diags.Error())
	}
	if n := len(bot.Entities[0].Values); n != 3 {
		t.Errorf("color entity has %d values", n)
	}
	var vars []string
	for _, v := range bot.Vars {
		vars = append(vars, v.Name+":"+v.Init.Type.String())
	}
	if got := strings.Join(vars, " "); got != "count:number name:string vip:bool offset:number greeting:string total:number" {
		t.Errorf("vars: %s", got)
	}
	if bot.Vars[3].Init.Num != -1.5 {
		t.Errorf("offset init %v", bot.Vars[3].Init)
	}
	var cfg []string
	for _, e := range bot.Config {
		cfg = append(cfg, e.Key+"="+e.Value)
	}
	if got := strings.Join(cfg, " "); got != "websocket.port=0 websocket.host=0.0.0.0 nlp.pre_processing=false nlp.intent_threshold=0.5 random.seed=-7 websocket.origins=http://a.example,http://b.example protocol=baf" {
		t.Errorf("config: %s", got)
	}
	start := findState(t, bot, "start")
	hello := start.Body[0].(*ir.Reply)
	if p := hello.Text.Parts; len(p) != 3 || p[0].Text != "Hello " || p[2].Text != "!\n  indented {braces}" {
		t.Errorf("triple-quoted template: %+v", p)
	}
	if oneOf := start.Body[1].(*ir.Reply); oneOf.Kind != ir.ReplyStr || len(oneOf.Variants) != 2 || len(oneOf.Text.Parts) != 0 {
		t.Errorf("one of: %+v", oneOf)
	}
	if tr := start.Transitions; len(tr) != 7 || tr[3].Kind != ir.OnFile || len(tr[4].MIMETypes) != 0 || tr[5].Kind != ir.When || tr[6].Kind != ir.Otherwise {
		t.Errorf("transitions: %+v", tr)
	}
	greet := findState(t, bot, "greet")
	elseIf := greet.Body[2].(*ir.If).Else
	if len(elseIf) != 1 {
		t.Fatalf("else if: %+v", elseIf)
	}
	if _, ok := elseIf[0].(*ir.If); !ok {
		t.Errorf("else if is not an If: %#v", elseIf[0])
	}
	ordered := findState(t, bot, "ordered")
	chart := ordered.Body[3].(*ir.Reply).Chart
	if chart.Type != "line" || len(chart.Series) != 2 || chart.Series[1].Name != "B" || chart.X[0].Type != ir.Number {
		t.Errorf("chart: %+v", chart)
	}
	if loc := ordered.Body[5].(*ir.Reply); loc.Lat != -33.86 || loc.Lon != 151.21 {
		t.Errorf("location: %+v", loc)
	}
	steps := bot.Tests[0].Steps
	if s := steps[0]; s.Text != "Hello stranger!\n  indented {braces}" || !s.HasText || s.Regex {
		t.Errorf("step 0: %+v", s)
	}
	if s := steps[4]; s.Reply != ir.ReplyStr || s.Text != "first hi #1" {
		t.Errorf("step 4: %+v", s)
	}
	if s := steps[9]; s.Reply != ir.ReplyPlotly {
		t.Errorf("bot chart: %+v", s)
	}
	if s := steps[len(steps)-1]; s.Kind != ir.UserReset {
		t.Errorf("last step: %+v", s)
	}
}

// loadShared loads a reference bot of ../shared/examples, which the
// project's checkout may not have beside it.
func loadShared(t *testing.T, path string) *ir.Bot {
	t.Helper()
	path = filepath.Join("..", "..", "shared", "examples", path)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no reference bot %s: %v", path, err)
	}
	bot, diags := Load(path, CheckOptions{})
	if len(diags) > 0 {
		t.Fatalf("%s: want no diagnostics, got:\n%s", path, diags.Error())
	}
	return bot
}

// The reference bots of the language's second version check clean, into
// the model the generator will need: a setting, a Go function with an
// error, get, conditional moves and on error (forecast); lists and
// records from Go, for, replies of data, the turn's message (orders).
func TestSharedV2Examples(t *testing.T) {
	bot := loadShared(t, "forecast/forecast.bot")
	if len(bot.Settings) != 1 || bot.Settings[0].Name != "weather_api" || bot.Settings[0].Value.Type != ir.String {
		t.Errorf("settings: %+v", bot.Settings)
	}
	lookup := findState(t, bot, "lookup")
	var kinds []ir.TransitionKind
	for _, tr := range lookup.Transitions {
		kinds = append(kinds, tr.Kind)
	}
	if len(kinds) != 3 || kinds[0] != ir.Go || lookup.Transitions[0].Cond == nil || kinds[1] != ir.Go || lookup.Transitions[1].Cond != nil || kinds[2] != ir.OnError {
		t.Errorf("lookup transitions: %+v", lookup.Transitions)
	}
	set := lookup.Body[0].(*ir.Set)
	call, ok := set.Value.(*ir.GoCall)
	if !ok || call.Func != "locate" || !call.Error || call.Context || len(call.Params) != 1 || call.Params[0].GoType != "string" || call.Shape.String() != "{lat: number, lon: number}" {
		t.Errorf("locate: %#v", set.Value)
	}
	if h, ok := lookup.Body[1].(*ir.Set).Value.(*ir.HTTPCall); !ok || h.Method != ir.MethodGet || h.Query == nil {
		t.Errorf("get: %#v", lookup.Body[1])
	}
	var mocks int
	for _, tc := range bot.Tests {
		for _, s := range tc.Steps {
			if s.Kind == ir.MockCall {
				mocks++
			}
		}
	}
	if mocks != 4 {
		t.Errorf("%d mocks, want 4", mocks)
	}

	bot = loadShared(t, "orders/orders.bot")
	listing := findState(t, bot, "listing")
	if _, ok := listing.Body[3].(*ir.For); !ok {
		t.Errorf("listing's fourth statement: %#v", listing.Body[3])
	}
	if r := listing.Body[2].(*ir.Reply); r.Kind != ir.ReplyDataFrame || r.TableOf == nil {
		t.Errorf("reply table: %+v", r)
	}
	if r := listing.Body[4].(*ir.Reply); r.Kind != ir.ReplyOptions || ir.ShapeOf(r.OptionsOf).String() != "list of string" {
		t.Errorf("reply options: %+v", r)
	}
	chart := findState(t, bot, "charts").Body[1].(*ir.Reply).Chart
	if chart == nil || chart.XOf == nil || len(chart.Series) != 1 || chart.Series[0].YOf == nil {
		t.Errorf("chart: %+v", chart)
	}
}

// The library example's Go functions read a SQLite database through a
// module its go.mod requires: the checker types them through that module.
func TestLibraryIR(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the example's Go code against modernc.org/sqlite")
	}
	bot, diags := Load("../testdata/examples/library/library.bot", CheckOptions{})
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	call, ok := findState(t, bot, "author").Body[0].(*ir.Set).Value.(*ir.GoCall)
	if !ok || call.Func != "byAuthor" || !call.Context || !call.Error || call.Shape.String() != "list of {title: string, author: string, year: number, copies: number}" {
		t.Errorf("byAuthor: %#v", call)
	}
	if call, ok := findState(t, bot, "latest").Body[0].(*ir.Set).Value.(*ir.GoCall); !ok || call.Params[0].GoType != "int" {
		t.Errorf("newest: %#v", call)
	}
}
