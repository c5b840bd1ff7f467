package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/botgen-dev/botgen/dsl"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write a starter bot, NAME.bot (default mybot.bot), to build on",
		ArgsUsage: "[NAME]",
		Action:    cmdInit,
	}
}

// starterBot is the bot botgen init writes: a greeting, intents with
// parameters and options, a global help, a fallback and tests, all of which
// pass, so that the first run of every command succeeds.
const starterBot = `# A starter bot: change it, then "botgen run --watch %[1]s.bot" and open
# http://localhost:8765/. The language: docs/language.md in the botgen repository.
bot %[1]s

config {
    nlp.language = "en"
}

var orders = 0

entity size {
    "small"
    "medium": "regular"
    "large": "big"
}

intent hello { "hello", "hi there", "good morning" }
intent order {
    "I would like a {size} coffee"
    "a {size} coffee please"
    "can I order a coffee"
    param size: size
}
intent help { "help", "I need help", "what can you do?", "what can I ask you?" }
intent bye { "bye", "goodbye, thanks", "that is all, thanks", "see you" }

global help -> help_state

initial state start {
    reply "Hi! I take coffee orders. Say hello, or order a coffee."
    go menu
}

state menu {
    on hello -> greet
    on order -> take_order
    on bye -> goodbye
}

state greet {
    reply "Hello! What size would you like?"
    reply options "small", "medium", "large"
    go menu
}

state take_order {
    set orders = orders + 1
    if size == "" { reply "One coffee, coming up. (Say a size next time: small, medium or large.)" }
    else { reply "One {size} coffee, coming up. That makes {orders} today." }
    go menu
}

state help_state {
    reply markdown "I understand **hello**, **a large coffee please** and **bye**."
    go back
}

state goodbye {
    reply "Goodbye!"
    go menu
}

fallback { reply "Sorry, I only take coffee orders." }

test "an order with a synonym" {
    bot "Hi! I take coffee orders. Say hello, or order a coffee."
    user "a big coffee please"
    bot "One large coffee, coming up. That makes 1 today."
}

test "help, then back" {
    bot "Hi! I take coffee orders. Say hello, or order a coffee."
    user "help"
    bot markdown ~ "I understand"
    user "bye"
    bot "Goodbye!"
}
`

func cmdInit(c *cli.Context) error {
	name := "mybot"
	switch c.NArg() {
	case 0:
	case 1:
		name = strings.TrimSuffix(c.Args().First(), ".bot")
	default:
		return usageError("init: give one name at most")
	}
	if !validBotName(name) {
		return usageError("init: %q is not a bot name: letters, digits and _, starting with a letter", name)
	}
	path := name + ".bot"
	src := fmt.Sprintf(starterBot, name)
	// The starter must be a bot botgen accepts: checked before it is written.
	if f, diags := dsl.Parse(path, []byte(src)); diags.HasErrors() || f == nil {
		return inputError("init: internal error: the starter bot does not parse: %v", diags)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return inputError("init: %s exists already; give another name (botgen init NAME)", path)
	}
	if err != nil {
		return inputError("init: %v", err)
	}
	if _, err := f.WriteString(src); err != nil {
		f.Close()
		return inputError("init: %v", err)
	}
	if err := f.Close(); err != nil {
		return inputError("init: %v", err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %s. Next:\n  botgen run --watch %s   # serves it on http://localhost:8765/, rebuilt on every save\n  botgen test %s          # runs its test blocks\n", path, path, path)
	return nil
}

// validBotName reports whether name can follow `bot` in a .bot file.
func validBotName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && r != '_' && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
