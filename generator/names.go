package generator

import (
	"go/token"
	"path"
	"slices"
	"strconv"
	"strings"
)

// maxWord bounds a name's part taken from the source, so that a long state
// or file name does not make an unwieldy identifier.
const maxWord = 48

// camel turns text from the source into the words of an identifier: its
// ASCII letters and digits, each run of them starting with a capital
// ("show_table" and "showTable" both give "ShowTable"). Anything else is
// left out, so the result is only ever [A-Za-z0-9] and may be empty.
func camel(s string) string {
	var b strings.Builder
	up := true
	for i := 0; i < len(s) && b.Len() < maxWord; i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			if up {
				c -= 'a' - 'A'
			}
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		default:
			up = true
			continue
		}
		b.WriteByte(c)
		up = false
	}
	return b.String()
}

// namer hands out top-level identifiers, each once. A wanted name that is
// taken gets the first free suffix _2, _3, ...: the words camel gives
// hold no underscore, so a suffixed name cannot be another's wanted name,
// and the same bot always gets the same names.
type namer struct {
	used map[string]bool
}

// reservedNames are names generated code must not declare: the Go keywords
// and predeclared identifiers, the packages it imports, and its own fixed
// declarations.
var reservedNames = []string{
	"_", "main", "bot", "tests", "botFallback", modelVar, knowledgeVar, "t",
	"rt", "embed", "engine", "nlu", "reply", "builtin", "config", "bottest", "version", "value", "openai",
	"any", "append", "bool", "byte", "cap", "clear", "close", "comparable", "complex",
	"complex64", "complex128", "copy", "delete", "error", "false", "float32", "float64",
	"imag", "int", "int8", "int16", "int32", "int64", "iota", "len", "make", "max", "min",
	"new", "nil", "panic", "print", "println", "real", "recover", "rune", "string", "true",
	"uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
}

// newNamer returns a namer that hands out none of reservedNames, nor the
// names the Go files beside the bot declare or import packages as (see
// ir.Bot.GoNames): the generated code is in their package.
func newNamer(taken ...[]string) *namer {
	n := &namer{used: map[string]bool{}}
	for _, s := range reservedNames {
		n.used[s] = true
	}
	for _, list := range taken {
		for _, s := range list {
			n.used[s] = true
		}
	}
	return n
}

// fresh returns prefix+words+suffix, or prefix+words+"_N"+suffix with the
// smallest N from 2 that makes it unused, and marks it used.
func (n *namer) fresh(prefix, words, suffix string) string {
	name := prefix + words + suffix
	for i := 2; n.used[name] || token.IsKeyword(name); i++ {
		name = prefix + words + "_" + strconv.Itoa(i) + suffix
	}
	n.used[name] = true
	return name
}

// baseName is the last element of a path written with either slash.
func baseName(name string) string { return path.Base(strings.ReplaceAll(name, `\`, "/")) }

// stem is a file name's words for identifiers: "sales.csv" gives "Sales".
func stem(name string) string {
	base := baseName(name)
	return camel(strings.TrimSuffix(base, path.Ext(base)))
}

// ext is a file name's extension without its dot: "sales.csv" gives "csv".
func ext(name string) string { return strings.TrimPrefix(path.Ext(baseName(name)), ".") }

// embedNamer hands out the names of embedded files in FilesDir: plain file
// names that //go:embed takes as they are and that every file system
// keeps apart.
type embedNamer struct {
	used map[string]bool // lower-cased: some file systems ignore case
}

func newEmbedNamer() *embedNamer {
	return &embedNamer{used: map[string]bool{strings.ToLower(path.Base(ModelFile)): true, strings.ToLower(path.Base(KnowledgeFile)): true}}
}

// windowsNames are the names Windows gives devices, which it refuses as
// file names whatever their extension (and so does //go:embed).
var windowsNames = []string{"con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9"}

// fileName returns the path in the program's folder of an embedded file
// called name: FilesDir, then name's letters, digits, '-' and '_' (others
// become '_'), starting with a letter or a digit, made unique with -2,
// -3, ...
func (n *embedNamer) fileName(name string) string {
	base := baseName(name)
	x := path.Ext(base)
	st := safeFileWord(strings.TrimSuffix(base, x))
	x = safeFileWord(strings.TrimPrefix(x, "."))
	if st == "" || !isAlnum(st[0]) {
		st = "file" + st
	}
	for _, w := range windowsNames {
		if strings.EqualFold(st, w) {
			st += "_"
		}
	}
	if x != "" {
		x = "." + x
	}
	file := st + x
	for i := 2; n.used[strings.ToLower(file)]; i++ {
		file = st + "-" + strconv.Itoa(i) + x
	}
	n.used[strings.ToLower(file)] = true
	return FilesDir + "/" + file
}

// safeFileWord keeps the ASCII letters, digits, '-' and '_' of s, each
// other character becoming '_', up to maxWord bytes.
func safeFileWord(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= maxWord {
			break
		}
		if r < 0x80 && (isAlnum(byte(r)) || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// runtimeImports are the runtime's packages generated code may import, and
// the names it imports them as unless the Go files beside the bot declare
// that name.
var runtimeImports = []struct{ path, name string }{
	{pkgRuntime, "rt"}, {pkgEngine, "engine"}, {pkgNLU, "nlu"}, {pkgReply, "reply"},
	{pkgBuiltin, "builtin"}, {pkgConfig, "config"}, {pkgBottest, "bottest"},
	{pkgVersion, "version"}, {pkgValue, "value"}, {pkgGraph, "graph"},
}

// aliasImports imports each runtime package under a name the Go files
// beside the bot do not declare: a bot's own reply function must not hide
// the runtime's reply package.
func (g *gen) aliasImports() {
	for _, im := range runtimeImports {
		// jennifer writes an alias it is given even when it is the
		// package's own name: only a taken name gets one.
		if slices.Contains(g.bot.GoNames, im.name) {
			g.f.ImportAlias(im.path, g.names.fresh(im.name, "", ""))
		}
	}
}

// fixedName is the name of one of the generated program's fixed
// declarations (bot, tests, botFallback, the model): itself, unless the
// Go files beside the bot declare it.
func (g *gen) fixedName(name string) string {
	if n, ok := g.fixed[name]; ok {
		return n
	}
	n := name
	if slices.Contains(g.bot.GoNames, name) || slices.Contains(g.bot.GoImports, name) {
		n = g.names.fresh(name, "", "")
	}
	g.fixed[name] = n
	return n
}
