// Package ir holds the resolved model of a bot: what the checker produces from
// the syntax tree and what the generator consumes. Every name in it has been
// resolved, every expression typed, every referenced file loaded and
// validated. Slices keep source order so that generation is deterministic.
package ir

import (
	"github.com/botgen-dev/botgen/runtime/graph"
	"github.com/botgen-dev/botgen/runtime/knowledge"
	"github.com/botgen-dev/botgen/runtime/nlu"
)

// Pos is a position in a .bot source file.
type Pos struct {
	File string
	Line int
	Col  int
}

// Bot is a checked bot.
type Bot struct {
	Name       string
	SourceFile string // base name of the .bot file, e.g. "weather.bot"
	SourceHash string // hex SHA-256 of the source bytes
	Config     []ConfigEntry
	Settings   []Setting // in source order
	Vars       []Var     // declared with `var`, then those introduced by `set`, in source order
	Entities   []Entity
	Intents    []Intent
	Globals    []Global
	States     []State
	Initial    string // name of the initial state
	Fallback   []Stmt // bot-wide fallback body; nil means the default reply
	Tests      []Test
	Files      []File   // every file the bot embeds, deduplicated, in first-reference order
	Avatar     *FileRef // ui.avatar: the web page's image of the bot (a JPEG); nil: none
	// GoNames are the top-level names the Go files beside the bot declare
	// (functions, variables, constants, types), and GoImports the names
	// they import packages as: the code generated into the same package
	// must declare neither, nor import a package as one of GoNames. Nil
	// when the folder has no Go files, or when they do not type-check.
	GoNames, GoImports []string
	// UsesLLM is true when the bot asks a language model: `reply llm`,
	// llm(), `reply answer` or nlp.llm_fallback. Only then does it link
	// a client.
	UsesLLM bool
	// Knowledge holds the passages of the documents `knowledge` names, in
	// the order of the declarations and files; nil when none.
	Knowledge []knowledge.Passage
	// Graph is the state diagram, the states no path reaches marked: what
	// botgen graph writes and the bot draws at GET /graph.
	Graph *graph.Graph
}

// ConfigEntry is one `key = value` line of the config block. Value is the
// canonical text form accepted by the runtime's config.Set (numbers as
// written, strings unquoted, booleans "true"/"false", lists comma-joined).
type ConfigEntry struct {
	Key   string
	Value string
	Pos   Pos
}

// Type is the static type of an expression or variable.
type Type int

// The types of the expression language.
const (
	Invalid Type = iota
	Number
	String
	Bool
)

func (t Type) String() string {
	switch t {
	case Number:
		return "number"
	case String:
		return "string"
	case Bool:
		return "bool"
	case Record:
		return "record"
	case List:
		return "list"
	case Dynamic:
		return "dynamic"
	}
	return "invalid"
}

// Value is a constant of one of the three types.
type Value struct {
	Type Type
	Num  float64
	Str  string
	Bool bool
}

// Var is a session variable. Intent parameters and the `file.*` fields are
// not listed here: they are set by the runtime.
type Var struct {
	Name string
	Init Value // zero value of Type when introduced by `set`
	// Shape is the variable's static type: Init.Type's for a number, a
	// string or a bool, the structure of a record, list or dynamic value
	// that `set` introduces (whose Init is then only its Type).
	Shape Shape
	Pos   Pos
}

// Entity is a custom entity, as the classifier takes it (see nlu.Entity),
// and where it is declared.
type Entity struct {
	nlu.Entity
	Pos Pos
}

// Intent is an intent, as the classifier takes it (see nlu.Intent; its
// training sentences keep their `{param}` placeholders verbatim), and where
// it is declared. A parameter's type is String, or Number for the number
// entity.
type Intent struct {
	nlu.Intent
	Pos Pos
}

// Global makes Intent reachable from every state, leading to Target.
type Global struct {
	Intent string
	Target string
}

// State is a state of the conversation.
type State struct {
	Name        string
	Body        []Stmt
	Transitions []Transition
	Fallback    []Stmt // nil: the bot-wide fallback applies
	HasFallback bool   // true when the state declares `fallback { }`, even empty
	Pos         Pos
}

// TransitionKind tells what makes a transition fire.
type TransitionKind int

// The kinds of transition.
const (
	OnIntent  TransitionKind = iota // on INTENT -> S
	OnFile                          // on file ["mime", ...] -> S
	When                            // when EXPR -> S
	Otherwise                       // otherwise -> S (no intent matched)
	Go                              // go S (automatic)
	GoBack                          // go back (automatic, to the state the user came from)
	OnError                         // on error -> S: the body or a condition failed
)

// Transition is one way out of a state. The automatic ones (Go, GoBack)
// are tried in order after the body: one with a Cond moves when it holds,
// one without always moves (and is the last).
type Transition struct {
	Kind      TransitionKind
	Intent    string   // OnIntent
	MIMETypes []string // OnFile; empty accepts every file
	Cond      Expr     // When; Go and GoBack when conditional (nil: always); of type Bool
	CondText  string   // Cond as written, on one line: what a state diagram shows
	Target    string   // all but GoBack
	Pos       Pos
}

// Stmt is a statement of a body: *Reply, *Set, *If or *For.
type Stmt interface{ stmt() }

// Set assigns a session variable.
type Set struct {
	Var   string
	Value Expr
	Pos   Pos
}

// If is a conditional.
type If struct {
	Cond Expr
	Then []Stmt
	Else []Stmt // nil when absent; `else if` is an Else holding one *If
	Pos  Pos
}

// ReplyKind is the kind of a reply, named as in the protocol's actions
// (bot_reply_<kind>).
type ReplyKind string

// The reply kinds.
const (
	ReplyStr       ReplyKind = "str"
	ReplyMarkdown  ReplyKind = "markdown"
	ReplyHTML      ReplyKind = "html"
	ReplyOptions   ReplyKind = "options"
	ReplyDataFrame ReplyKind = "dataframe"
	ReplyPlotly    ReplyKind = "plotly"
	ReplyImage     ReplyKind = "image"
	ReplyFile      ReplyKind = "file"
	ReplyLocation  ReplyKind = "location"
	ReplyAudio     ReplyKind = "audio"
	ReplyRAG       ReplyKind = "rag" // an answer from the bot's knowledge
)

// Reply sends one message. Which fields are set depends on Kind:
//   - str, markdown, html: Text (Variants when `one of`, one picked at random)
//   - options: Options, or OptionsOf (a list of strings, or a dynamic value)
//   - dataframe: Table (from a CSV file or inline), or TableOf (a list of
//     records, or a dynamic value: columns in field order)
//   - plotly: Chart (from `reply chart`) or Figure (a figure file)
//   - image: File (already re-encoded to JPEG)
//   - file: File
//   - audio: File (a WAV, MP3 or Ogg file, checked)
//   - location: Lat, Lon
//   - markdown from a language model (`reply llm`): LLM, and Text is empty
//   - rag (`reply answer`): nothing else; the message is the question
type Reply struct {
	Kind     ReplyKind
	Text     Template
	Variants []Template // `reply one of`: non-nil, and Text is empty
	Options  []Template
	Table    *Table
	// OptionsOf and TableOf are the data of `reply options EXPR` and
	// `reply table EXPR`, known at run time.
	OptionsOf Expr
	TableOf   Expr
	Chart     *Chart
	Figure    string // Plotly figure JSON from a file, validated and compacted
	Path      string // dataframe, plotly: the file Table or Figure was read from, as written; empty when inline
	File      *FileRef
	Lat, Lon  float64
	LLM       *LLMReply
	Pos       Pos
}

// LLMReply is `reply llm "prompt" with tools f, g`: the model's answer to
// Prompt, which may call the Go functions Tools.
type LLMReply struct {
	Prompt Template
	Tools  []Tool
}

// Tool is a Go function beside the bot that a language model may call:
// Call holds its parameters (all named) and result, without arguments.
type Tool struct {
	Name string
	Doc  string // the function's doc comment: the model reads it
	Call *GoCall
	Pos  Pos // of the name after `with tools`
}

// Table is a table with a header row. Its cells are typed as pandas types a
// DataFrame's (read from a CSV file as pandas.read_csv reads it), so that the
// wire carries what DataFrame.to_json() writes: a whole number of a float
// column stays a float (98.0), a missing cell is null.
type Table struct {
	Columns []string
	Rows    [][]Cell // each as long as Columns
}

// CellKind tells what a table cell holds.
type CellKind int

// The kinds of table cell.
const (
	CellNull  CellKind = iota // a missing value (pandas' NaN): null
	CellInt                   // Int, of an integer column
	CellUint                  // Uint, of a column of integers beyond int64 (pandas' uint64)
	CellFloat                 // Float, of a float column (NaN and infinities are written null)
	CellBool                  // Bool
	CellText                  // Text
)

// Cell is one cell of a table.
type Cell struct {
	Kind  CellKind
	Int   int64
	Uint  uint64
	Float float64
	Bool  bool
	Text  string
}

// Value returns the cell as reply.TableJSON takes it: nil, int64, uint64,
// float64, bool or string.
func (c Cell) Value() any {
	switch c.Kind {
	case CellInt:
		return c.Int
	case CellUint:
		return c.Uint
	case CellFloat:
		return c.Float
	case CellBool:
		return c.Bool
	case CellText:
		return c.Text
	}
	return nil
}

// Chart is a chart written in the source: bar, line or pie. For a pie, X
// holds the labels and the one series the values. X and a series' values
// are constants, or an expression computed at run time (XOf, YOf): then
// their lengths are checked when the chart is built.
type Chart struct {
	Type   string // "bar", "line" or "pie"
	Title  string
	X      []Value // Number or String
	XOf    Expr    // a list of numbers or strings, or a dynamic value; nil when X is written
	Series []Series
}

// Series is one row of y values; Name is empty unless written.
type Series struct {
	Name string
	Y    []float64
	YOf  Expr // a list of numbers, or a dynamic value; nil when Y is written
}

// FileRef points into Bot.Files.
type FileRef struct {
	Index int // index into Bot.Files
}

// File is a file embedded into the binary.
type File struct {
	Name string // base name as the user sees it, e.g. "terms.txt" (for images: "logo.jpg")
	Path string // path as written in the source, relative to the .bot file
	MIME string // e.g. "text/plain; charset=utf-8", "image/jpeg"
	Data []byte // the bytes to embed (images re-encoded to JPEG)
}

// Template is a string with `{expr}` interpolations: a sequence of literal
// text and expressions. A plain string is one Text part.
type Template struct {
	Parts []TemplatePart
}

// TemplatePart is either literal Text or an Expr (of any type).
type TemplatePart struct {
	Text string
	Expr Expr
}

// Expr is a typed expression: *Lit, *Ref, *Unary, *Binary, *Call, and the
// nodes of values.go (*Dot, *Index, *RecordLit, *ListLit, *Assert,
// *GoCall, *HTTPCall). ExprType is the type of its value; ExprShape its
// structure too (see ShapeOf).
type Expr interface {
	ExprType() Type
	ExprShape() Shape
}

// Lit is a constant.
type Lit struct {
	Value Value
}

// RefKind tells where a name lives.
type RefKind int

// The kinds of name.
const (
	VarRef       RefKind = iota // a session variable
	ParamRef                    // an intent parameter
	FileFieldRef                // file.name, file.type, file.size of the last received file
	LoopRef                     // the variable of an enclosing for loop
	SettingRef                  // a setting
	TurnRef                     // message, intent, confidence or error: see TurnNames
)

// TurnNames are the names a TurnRef reads, and their types: the text of the
// message being answered, the intent last recognised and its score, and the
// message of the failure that the last `on error` took ("" before any).
// A variable or parameter of one of these names hides it.
var TurnNames = map[string]Type{"message": String, "intent": String, "confidence": Number, "error": String}

// Ref reads a name: a variable, a parameter, a loop variable, a setting, a
// name of the turn (TurnNames), or a `file.*` field (Name is then
// "file.name", "file.type" or "file.size").
type Ref struct {
	Name  string
	Kind  RefKind
	Type  Type
	Shape Shape // of a record, list or dynamic value; zero for the other types
}

// Unary is `-x` or `not x`.
type Unary struct {
	Op   string // "-" or "not"
	X    Expr
	Type Type
}

// Binary is `x op y`. Op is one of + - * / % == != < <= > >= and or.
// + on two strings concatenates.
type Binary struct {
	Op   string
	X, Y Expr
	Type Type
}

// Call calls a built-in function (see the language reference for the list).
// An argument may be a dynamic value where the function takes one (len,
// num, str, join): the function checks it at run time.
type Call struct {
	Func  string
	Args  []Expr
	Type  Type
	Shape Shape // of a list result (split); zero for the other types
	Pos   Pos   // of the function's name
}

// ExprType implements Expr.
func (e *Lit) ExprType() Type { return e.Value.Type }

// ExprType implements Expr.
func (e *Ref) ExprType() Type { return e.Type }

// ExprType implements Expr.
func (e *Unary) ExprType() Type { return e.Type }

// ExprType implements Expr.
func (e *Binary) ExprType() Type { return e.Type }

// ExprType implements Expr.
func (e *Call) ExprType() Type { return e.Type }

func (*Set) stmt()   {}
func (*If) stmt()    {}
func (*Reply) stmt() {}

// Test is a conversation test.
type Test struct {
	Name  string
	Steps []Step
	Pos   Pos
}

// StepKind tells what a test step does.
type StepKind int

// The kinds of test step.
const (
	UserText  StepKind = iota // user "..."
	UserFile                  // user file "path"
	UserReset                 // user reset
	BotExpect                 // bot ...
	MockCall                  // mock ...: Mock says what
)

// Step is one line of a test. For BotExpect, Kind is the expected reply kind
// (str when not written) and at most one of the match fields is used:
//   - Text: exact text (Regex false) or a regular expression (Regex true)
//   - Options: the exact option labels
//   - FileName: the expected file name of a file or audio reply (for
//     audio, File is then the sound the bot sends under that name)
//   - HasLocation: Lat, Lon of a location reply
//
// With none, only the kind is checked.
type Step struct {
	Kind        StepKind
	Text        string   // UserText: the message; BotExpect: text or regex
	File        *FileRef // UserFile; BotExpect of audio with a FileName
	Reply       ReplyKind
	Regex       bool
	HasText     bool
	Options     []string
	FileName    string
	HasLocation bool
	Lat, Lon    float64
	Mock        *Mock // MockCall
	Pos         Pos
}
