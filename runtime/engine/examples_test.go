package engine_test

import (
	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// The bots below are written by hand the way the generator writes them, from
// testdata/examples/*.bot.

func say(text string) engine.Body {
	return func(t *engine.Turn) { t.Reply(reply.NewText(reply.Str, text)) }
}

func on(intent, target string) engine.Transition {
	return engine.Transition{Kind: engine.OnIntent, Intent: intent, Target: target}
}

func goTo(target string) engine.Transition {
	return engine.Transition{Kind: engine.Go, Target: target}
}

func greetingsBot() *engine.Bot {
	return &engine.Bot{
		Name: "greetings_bot",
		Intents: []nlu.Intent{
			{Name: "hello", Sentences: []string{"hello", "hi"}},
			{Name: "good", Sentences: []string{"good", "fine"}},
			{Name: "bad", Sentences: []string{"bad", "awful"}},
		},
		States: []engine.State{
			{Name: "initial_state", Transitions: []engine.Transition{on("hello", "hello_state")}},
			{Name: "hello_state", Body: say("Hi! How are you?"), Transitions: []engine.Transition{on("good", "good_state"), on("bad", "bad_state")}},
			{Name: "good_state", Body: say("I am glad to hear that!"), Transitions: []engine.Transition{goTo("initial_state")}},
			{Name: "bad_state", Body: say("I am sorry to hear that..."), Transitions: []engine.Transition{goTo("initial_state")}},
		},
		Initial: "initial_state",
	}
}

func helpDeskBot() *engine.Bot {
	return &engine.Bot{
		Name: "help_desk",
		Vars: []engine.Var{{Name: "hellos", Init: 0.0}, {Name: "byes", Init: 0.0}},
		Intents: []nlu.Intent{
			{Name: "hello", Sentences: []string{"hello", "hi"}},
			{Name: "howareyou", Sentences: []string{"how are you?", "how r u"}},
			{Name: "bye", Sentences: []string{"bye", "goodbye", "see you"}},
			{Name: "help", Sentences: []string{"help", "I need help", "what can you do?"}},
		},
		Globals: []engine.Global{{Intent: "help", Target: "help_state"}},
		States: []engine.State{
			{Name: "s0", Body: say("Waiting..."), Transitions: []engine.Transition{on("hello", "hello_state"), on("howareyou", "howareyou_state")}},
			{
				Name: "hello_state",
				Body: func(t *engine.Turn) {
					t.Set("hellos", t.Num("hellos")+1)
					t.Reply(reply.NewText(reply.Str, "You said hello "+builtin.FormatNum(t.Num("hellos"))+" times"))
				},
				Transitions: []engine.Transition{on("bye", "bye_state")},
				Fallback:    say("Greetings from hello fallback"),
			},
			{Name: "howareyou_state", Body: say("I am fine, thanks!"), Transitions: []engine.Transition{goTo("s0")}},
			{
				Name: "bye_state",
				Body: func(t *engine.Turn) {
					t.Set("byes", t.Num("byes")+1)
					t.Reply(reply.NewText(reply.Str, "You said bye "+builtin.FormatNum(t.Num("byes"))+" times"))
				},
				Transitions: []engine.Transition{goTo("s0")},
			},
			{Name: "help_state", Body: say("I am a bot, tell me something!"), Transitions: []engine.Transition{{Kind: engine.GoBack}}},
		},
		Initial:  "s0",
		Fallback: say("Greetings from global fallback"),
	}
}

func weatherBot() *engine.Bot {
	return &engine.Bot{
		Name: "weather_bot",
		Config: []config.Entry{
			{Key: "websocket.port", Value: "8765"},
			{Key: "nlp.intent_threshold", Value: "0.4"},
		},
		Vars: []engine.Var{{Name: "temperature", Init: 0.0}},
		Entities: []nlu.Entity{{Name: "city", Values: []nlu.EntityValue{
			{Canonical: "Barcelona", Synonyms: []string{"BCN", "barna"}},
			{Canonical: "Madrid"},
			{Canonical: "Luxembourg", Synonyms: []string{"LUX"}},
		}}},
		Intents: []nlu.Intent{{
			Name:      "weather",
			Sentences: []string{"what is the weather in {city1}?", "weather in {city1}"},
			Params:    []nlu.Param{{Name: "city1", Entity: "city"}},
		}},
		States: []engine.State{
			{Name: "s0", Body: say("Waiting..."), Transitions: []engine.Transition{on("weather", "weather_state")}},
			{
				Name: "weather_state",
				Body: func(t *engine.Turn) {
					t.Set("temperature", builtin.Round(t.Random(0, 30), 2))
					if t.Str("city1") == "" {
						t.Reply(reply.NewText(reply.Str, "Sorry, I didn't get the city"))
					} else {
						t.Reply(reply.NewText(reply.Str, "The weather in "+t.Str("city1")+" is "+builtin.FormatNum(t.Num("temperature"))+"°C"))
						if t.Num("temperature") < 15 {
							t.Reply(reply.NewText(reply.Str, "🥶"))
						} else {
							t.Reply(reply.NewText(reply.Str, "🥵"))
						}
					}
				},
				Transitions: []engine.Transition{goTo("s0")},
			},
		},
		Initial: "s0",
	}
}

func showcaseBot() *engine.Bot {
	intents := []nlu.Intent{
		{Name: "table", Sentences: []string{"table", "show me a table", "sales figures"}},
		{Name: "team", Sentences: []string{"team", "who is on the team?"}},
		{Name: "chart", Sentences: []string{"chart", "show me a chart", "plot the visitors"}},
		{Name: "bars", Sentences: []string{"bar chart", "compare revenue"}},
		{Name: "picture", Sentences: []string{"picture", "show me an image", "logo"}},
		{Name: "document", Sentences: []string{"document", "send me the terms"}},
		{Name: "place", Sentences: []string{"location", "where are you?", "map"}},
		{Name: "formatted", Sentences: []string{"html", "formatted text"}},
		{Name: "upload", Sentences: []string{"upload", "I want to send a file"}},
	}
	menu := engine.State{Name: "menu", Transitions: []engine.Transition{
		on("table", "show_table"), on("team", "show_team"), on("chart", "show_chart"),
		on("bars", "show_bars"), on("picture", "show_picture"), on("document", "show_document"),
		on("place", "show_location"), on("formatted", "show_html"), on("upload", "wait_upload"),
	}}
	shows := func(name string, r reply.Reply) engine.State {
		return engine.State{Name: name, Body: func(t *engine.Turn) { t.Reply(r) }, Transitions: []engine.Transition{goTo("menu")}}
	}
	return &engine.Bot{
		Name:    "showcase",
		Intents: intents,
		States: []engine.State{
			{
				Name: "start",
				Body: func(t *engine.Turn) {
					t.Reply(reply.NewText(reply.Markdown, "**Welcome!** I can show you:\n- a *table* or a *chart*\n- a *picture*, a *document* or a *location*\n"))
					t.Reply(reply.NewOptions("table", "team", "chart", "bar chart", "picture", "document", "location", "html", "upload"))
				},
				Transitions: []engine.Transition{goTo("menu")},
			},
			menu,
			shows("show_table", reply.Reply{Kind: reply.DataFrame, Text: reply.TableJSON([]string{"region", "revenue"}, [][]any{{"North", 120.5}, {"South", 98.0}})}),
			shows("show_team", reply.Reply{Kind: reply.DataFrame, Text: reply.TableJSON([]string{"name", "role"}, [][]any{{"Ada", "engineer"}, {"Linus", "maintainer"}})}),
			shows("show_chart", reply.Reply{Kind: reply.Plotly, Text: `{"data":[],"layout":{}}`}),
			shows("show_bars", reply.Reply{Kind: reply.Plotly, Text: reply.ChartJSON("bar", "Revenue by quarter", []any{"Q1", "Q2", "Q3"}, []reply.Series{{Y: []float64{120.5, 131.25, 140}}})}),
			shows("show_picture", reply.NewImage([]byte{0xff, 0xd8, 0xff})),
			shows("show_document", reply.NewFile("terms.txt", "text/plain", []byte("terms"))),
			shows("show_location", reply.NewLocation(49.6116, 6.1319)),
			shows("show_html", reply.NewText(reply.HTML, "<p>This is <b>HTML</b>, rendered <i>safely</i>.</p>")),
			{
				Name:        "wait_upload",
				Body:        say("Send me a CSV file"),
				Transitions: []engine.Transition{{Kind: engine.OnFile, MIMETypes: []string{"text/csv"}, Target: "got_file"}},
				Fallback:    say("That is not a CSV file"),
			},
			{
				Name: "got_file",
				Body: func(t *engine.Turn) {
					t.Reply(reply.NewText(reply.Str, "Thanks! I got "+t.Str("file.name")+" ("+builtin.FormatNum(t.Num("file.size"))+" bytes)"))
				},
				Transitions: []engine.Transition{goTo("menu")},
			},
		},
		Initial: "start",
	}
}
