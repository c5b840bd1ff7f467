package generator

import (
	"strings"
	"testing"
)

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"lookup":       "Lookup",
		"show_table":   "ShowTable",
		"showTable":    "ShowTable",
		"ShowTable":    "ShowTable",
		"__a__b__":     "AB",
		"2024_q1":      "2024Q1",
		"météo":        "MTO",
		"日本":           "",
		"":             "",
		"a\n*/ x() /*": "AX",
		"Ünïcode_name": "NCodeName",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
	if got := camel(strings.Repeat("a", 100)); len(got) != maxWord {
		t.Errorf("camel of 100 letters has %d", len(got))
	}
}

// Names that the source makes the same, or that are taken by Go or by the
// generator, get the first free suffix, in the order they are asked for.
func TestNamerCollisions(t *testing.T) {
	n := newNamer()
	for _, c := range []struct{ prefix, words, suffix, want string }{
		{"state", camel("show_table"), "Body", "stateShowTableBody"},
		{"state", camel("showTable"), "Body", "stateShowTable_2Body"},
		{"state", camel("ShowTable"), "Body", "stateShowTable_3Body"},
		{"state", camel("show_table"), "Fallback", "stateShowTableFallback"},
		{"state", camel("日本"), "Body", "stateBody"},
		{"state", camel("中国"), "Body", "state_2Body"},
		// Without a prefix: the generator's own names, the packages it
		// imports, Go's keywords and predeclared names.
		{"", "bot", "", "bot_2"},
		{"", "main", "", "main_2"},
		{"", "tests", "", "tests_2"},
		{"", "reply", "", "reply_2"},
		{"", "func", "", "func_2"},
		{"", "string", "", "string_2"},
		{"", "nluModel", "", "nluModel_2"},
	} {
		if got := n.fresh(c.prefix, c.words, c.suffix); got != c.want {
			t.Errorf("fresh(%q, %q, %q) = %q, want %q", c.prefix, c.words, c.suffix, got, c.want)
		}
	}
}

func TestEmbedFileNames(t *testing.T) {
	n := newEmbedNamer()
	for _, c := range []struct{ name, want string }{
		{"logo.jpg", "files/logo.jpg"},
		{"Logo.JPG", "files/Logo-2.JPG"}, // the same file where case is ignored
		{"logo.png", "files/logo.png"},
		{"model", "files/model-2"},
		{"données 2024.csv", "files/donn_es_2024.csv"},
		{".env", "files/file.env"},
		{"-rf", "files/file-rf"},
		{"a*?[b].txt", "files/a___b_.txt"},
		{"nul.txt", "files/nul_.txt"},
		{"COM1", "files/COM1_"},
		{"../x\n//go:embed main.go", "files/go_embed_main.go"},
		{"", "files/file"},
	} {
		if got := n.fileName(c.name); got != c.want {
			t.Errorf("fileName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestLineFile(t *testing.T) {
	for in, want := range map[string]string{
		"showcase.bot":         "showcase.bot",
		"my bot.bot":           "my_bot.bot",
		"météo.bot":            "météo.bot",
		"a\n*/ x() /*.bot":     "a____x_____.bot",
		"main.go:1:1":          "main.go_1_1",
		"..":                   "_..",
		"-x.bot":               "_-x.bot",
		"":                     "_",
		"b\xff.bot":            "b_.bot",
		"dir/../x.bot":         "dir_.._x.bot",
		"\u202eevil\u202c.bot": "_evil_.bot",
	} {
		if got := lineFile(in); got != want {
			t.Errorf("lineFile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRawOK(t *testing.T) {
	for in, want := range map[string]bool{
		`{"a":"b \"c\""}`: true,
		"é 🥶":             true,
		"":                true,
		"a`b":             false,
		"a\rb":            false,
		"a\nb":            false,
		"a\tb":            false,
		"a\x00b":          false,
		"\ufeffa":         false,
		"a\xffb":          false,
		"a\u2028b":        false,
	} {
		if got := rawOK(in); got != want {
			t.Errorf("rawOK(%q) = %v, want %v", in, got, want)
		}
	}
}
