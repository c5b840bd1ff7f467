package engine_test

import (
	"github.com/botgen-dev/botgen/runtime/builtin"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/nlu"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// The bots below are written by hand the way the generator writes them, from
// testdata/examples/*.bot. The showcase is not among them: its conversation
// is run from its .bot file, built by botgen, in cmd/botgen's
// TestExamplesOverTheWire.

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
