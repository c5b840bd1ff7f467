package syntax

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// File is the syntax tree of a .bot file, as produced by Parse. Only the
// checker looks inside it; the generator consumes the resolved model instead.
type File struct {
	Pos   lexer.Position
	Name  *Ident  `parser:"'bot' @@"`
	Decls []*Decl `parser:"@@*"`
}

// Ident is a name with its position.
type Ident struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
}

// Str is a string literal as written (quotes and escapes included).
type Str struct {
	Pos lexer.Position
	Raw string `parser:"@String"`
}

// Decl is a top-level declaration.
type Decl struct {
	Pos       lexer.Position
	Config    *ConfigBlock   `parser:"@@"`
	Var       *VarDecl       `parser:"| @@"`
	Setting   *SettingDecl   `parser:"| @@"`
	Entity    *EntityDecl    `parser:"| @@"`
	Intent    *IntentDecl    `parser:"| @@"`
	Global    *GlobalDecl    `parser:"| @@"`
	State     *StateDecl     `parser:"| @@"`
	Knowledge *KnowledgeDecl `parser:"| @@"`
	Fallback  *Block         `parser:"| 'fallback' @@"`
	Test      *TestDecl      `parser:"| @@"`
}

// KnowledgeDecl is `parser:"knowledge 'docs/*.md', 'faq.txt'"`: the documents
// the bot answers from, file names or glob patterns inside its folder.
type KnowledgeDecl struct {
	Pos   lexer.Position
	Files []*Str `parser:"'knowledge' @@ ( ',' @@ )*"`
}

// ConfigBlock is `parser:"config { key = value ... }"`.
type ConfigBlock struct {
	Pos     lexer.Position
	Entries []*ConfigEntry `parser:"'config' '{' @@* '}'"`
}

// ConfigEntry is one `parser:"key = value"` line.
type ConfigEntry struct {
	Pos   lexer.Position
	Key   string       `parser:"@Ident ( @'.' @Ident )*"`
	Value *ConfigValue `parser:"'=' @@"`
}

// ConfigValue is a literal or a list of strings.
type ConfigValue struct {
	Pos    lexer.Position
	IsList bool     `parser:"(  @'['"`
	List   []*Str   `parser:"( @@ ( ',' @@ )* ','? )? ']'"`
	Lit    *Literal `parser:"| @@ )"`
}

// Literal is a number, string or bool constant.
type Literal struct {
	Pos  lexer.Position
	Num  *string `parser:"@( '-'? Number )"`
	Str  *Str    `parser:"| @@"`
	Bool *string `parser:"| @( 'true' | 'false' )"`
}

// VarDecl is `parser:"var NAME = literal"`.
type VarDecl struct {
	Pos   lexer.Position
	Name  *Ident   `parser:"'var' @@"`
	Value *Literal `parser:"'=' @@"`
}

// SettingDecl is `parser:"setting NAME = literal"`: a bot-wide, read-only
// value that the bot's settings sources can override.
type SettingDecl struct {
	Pos   lexer.Position
	Name  *Ident   `parser:"'setting' @@"`
	Value *Literal `parser:"'=' @@"`
}

// EntityDecl is `parser:"entity NAME [fuzzy] { 'Canonical': 'syn', ... }"`
// or `parser:"entity NAME = /REGEX/"`.
type EntityDecl struct {
	Pos     lexer.Position
	Name    *Ident         `parser:"'entity' @@"`
	Fuzzy   bool           `parser:"@'fuzzy'?"`
	Regex   *RegexLit      `parser:"( @@"`
	Entries []*EntityEntry `parser:"| '{' ( @@ ','? )* '}' )"`
}

// RegexLit is `= /REGEX/`: the lexer reads the '=' with the slashes so that a
// division in an expression is never taken for a regular expression.
type RegexLit struct {
	Pos   lexer.Position
	Value string `parser:"@Regex"`
}

// Pattern returns the regular expression between the slashes, with \/ read
// as a slash.
func (r *RegexLit) Pattern() string {
	v := strings.TrimSpace(strings.TrimPrefix(r.Value, "="))
	v = strings.TrimSuffix(strings.TrimPrefix(v, "/"), "/")
	return strings.ReplaceAll(v, `\/`, "/")
}

// EntityEntry is a canonical value and its synonyms.
type EntityEntry struct {
	Pos       lexer.Position
	Canonical *Str   `parser:"@@"`
	Synonyms  []*Str `parser:"( ':' @@ ( ',' @@ )* )?"`
}

// IntentDecl is `parser:"intent NAME { sentences... param NAME: ENTITY }"`.
type IntentDecl struct {
	Pos   lexer.Position
	Name  *Ident        `parser:"'intent' @@ '{'"`
	Items []*IntentItem `parser:"( @@ ','? )* '}'"`
}

// IntentItem is a training sentence or a parameter declaration.
type IntentItem struct {
	Pos      lexer.Position
	Sentence *Str       `parser:"@@"`
	Param    *ParamDecl `parser:"| @@"`
}

// ParamDecl is `parser:"param NAME: ENTITY"`.
type ParamDecl struct {
	Pos    lexer.Position
	Name   *Ident `parser:"'param' @@ ':'"`
	Entity *Ident `parser:"@@"`
}

// GlobalDecl is `parser:"global INTENT -> STATE"`.
type GlobalDecl struct {
	Pos    lexer.Position
	Intent *Ident `parser:"'global' @@ '->'"`
	Target *Ident `parser:"@@"`
}

// StateDecl is `parser:"[initial] state NAME { ... }"`.
type StateDecl struct {
	Pos     lexer.Position
	Initial bool         `parser:"@'initial'?"`
	Name    *Ident       `parser:"'state' @@ '{'"`
	Items   []*StateItem `parser:"@@* '}'"`
}

// StateItem is a transition, a fallback block or a body statement.
type StateItem struct {
	Pos       lexer.Position
	On        *OnTrans   `parser:"@@"`
	When      *WhenTrans `parser:"| @@"`
	Otherwise *Ident     `parser:"| 'otherwise' '->' @@"`
	Go        *GoTrans   `parser:"| @@"`
	Fallback  *Block     `parser:"| 'fallback' @@"`
	Stmt      *Stmt      `parser:"| @@"`
}

// OnTrans is `parser:"on INTENT -> S"`, `parser:"on file [mime, ...] -> S"`
// or `parser:"on error -> S"`.
type OnTrans struct {
	Pos    lexer.Position
	File   bool   `parser:"'on' ( @'file'"`
	MIME   []*Str `parser:"( @@ ( ',' @@ )* )?"`
	Error  bool   `parser:"| @'error'"`
	Intent *Ident `parser:"| @@ ) '->'"`
	Target *Ident `parser:"@@"`
}

// WhenTrans is `parser:"when EXPR -> S"`.
type WhenTrans struct {
	Pos    lexer.Position
	Cond   *Expr  `parser:"'when' @@ '->'"`
	Target *Ident `parser:"@@"`
}

// GoTrans is `parser:"go S"` or `parser:"go back"`, either of them with a
// condition: `parser:"go S if EXPR"`.
type GoTrans struct {
	Pos    lexer.Position
	Back   bool   `parser:"'go' ( @'back'"`
	Target *Ident `parser:"| @@ )"`
	// If is what the parser reads after the target; Parse leaves it nil,
	// having made it Cond or, when a block follows, an if statement of
	// the state's body (see splitGoIf).
	If   *GoIf `parser:"@@?"`
	Cond *Expr // the condition of a conditional move; nil for a plain go
}

// GoIf is what follows `go S`: `if EXPR`, the condition of the move, or
// `if EXPR { ... } else ...`, an if statement written after a plain go.
type GoIf struct {
	Pos    lexer.Position
	Cond   *Expr   `parser:"'if' @@"`
	Then   *Block  `parser:"( @@"`
	ElseIf *IfStmt `parser:"( 'else' ( @@"`
	Else   *Block  `parser:"| @@ ) )? )?"`
}

// Block is `parser:"{ stmts }"`.
type Block struct {
	Pos   lexer.Position
	Stmts []*Stmt `parser:"'{' @@* '}'"`
}

// Stmt is a body statement.
type Stmt struct {
	Pos   lexer.Position
	Reply *ReplyStmt `parser:"@@"`
	Set   *SetStmt   `parser:"| @@"`
	If    *IfStmt    `parser:"| @@"`
	For   *ForStmt   `parser:"| @@"`
}

// ForStmt is `parser:"for NAME in EXPR { stmts }"`.
type ForStmt struct {
	Pos  lexer.Position
	Var  *Ident `parser:"'for' @@ 'in'"`
	List *Expr  `parser:"@@"`
	Body *Block `parser:"@@"`
}

// SetStmt is `parser:"set NAME = EXPR"`.
type SetStmt struct {
	Pos   lexer.Position
	Name  *Ident `parser:"'set' @@"`
	Field *Ident `parser:"( '.' @@ )?"`
	Value *Expr  `parser:"'=' @@"`
}

// IfStmt is `parser:"if EXPR { } else if ... else { }"`.
type IfStmt struct {
	Pos    lexer.Position
	Cond   *Expr   `parser:"'if' @@"`
	Then   *Block  `parser:"@@"`
	ElseIf *IfStmt `parser:"( 'else' ( @@"`
	Else   *Block  `parser:"| @@ ) )?"`
}

// ReplyStmt is one of the reply forms.
type ReplyStmt struct {
	Pos       lexer.Position
	Markdown  *Str         `parser:"'reply' ( 'markdown' @@"`
	HTML      *Str         `parser:"| 'html' @@"`
	Options   []*Str       `parser:"| 'options' ( @@ ( ',' @@ )*"`
	OptionsOf *Expr        `parser:"| @@ )"`
	OneOf     []*Str       `parser:"| 'one' 'of' @@ ( ',' @@ )*"`
	TableCSV  *Str         `parser:"| 'table' ( @@"`
	Table     *InlineTable `parser:"| @@"`
	TableOf   *Expr        `parser:"| @@ )"`
	Chart     *ChartSpec   `parser:"| 'chart' @@"`
	Plotly    *Str         `parser:"| 'plotly' @@"`
	Image     *Str         `parser:"| 'image' @@"`
	File      *Str         `parser:"| 'file' @@"`
	Audio     *Str         `parser:"| 'audio' @@"`
	Location  *LatLon      `parser:"| 'location' @@"`
	LLM       *Str         `parser:"| 'llm' @@"`
	Tools     []*Ident     `parser:"( 'with' 'tools' @@ ( ',' @@ )* )?"`
	Answer    bool         `parser:"| @'answer'"`
	Text      *Str         `parser:"| @@ )"`
}

// LatLon is a pair of signed numbers.
type LatLon struct {
	Pos lexer.Position
	Lat string `parser:"@( '-'? Number ) ','"`
	Lon string `parser:"@( '-'? Number )"`
}

// InlineTable is `parser:"{ columns ... row ... }"`.
type InlineTable struct {
	Pos     lexer.Position
	Columns []*Str      `parser:"'{' 'columns' @@ ( ',' @@ )*"`
	Rows    []*TableRow `parser:"@@* '}'"`
}

// TableRow is `parser:"row cell, cell, ..."`.
type TableRow struct {
	Pos   lexer.Position
	Cells []*Literal `parser:"'row' @@ ( ',' @@ )*"`
}

// ChartSpec is `parser:"TYPE { title ... x ... y ... }"`.
type ChartSpec struct {
	Pos   lexer.Position
	Type  *Ident       `parser:"@@ '{'"`
	Items []*ChartItem `parser:"@@* '}'"`
}

// ChartItem is a title, the x values or one y series.
type ChartItem struct {
	Pos   lexer.Position
	Title *Str       `parser:"'title' @@"`
	X     []*Literal `parser:"| 'x' ( @@ ( ',' @@ )*"`
	XOf   *Expr      `parser:"| @@ )"`
	Y     *YSeries   `parser:"| 'y' @@"`
}

// YSeries is `parser:"y ['Name':] n, n, ..."`.
type YSeries struct {
	Pos    lexer.Position
	Name   *Str       `parser:"( @@ ':' )?"`
	Values []*Literal `parser:"( @@ ( ',' @@ )*"`
	Of     *Expr      `parser:"| @@ )"`
}

// TestDecl is `parser:"test 'name' { steps }"`.
type TestDecl struct {
	Pos   lexer.Position
	Name  *Str        `parser:"'test' @@ '{'"`
	Steps []*TestStep `parser:"@@* '}'"`
}

// TestStep is a user or bot step.
type TestStep struct {
	Pos  lexer.Position
	User *UserStep `parser:"'user' @@"`
	Bot  *BotStep  `parser:"| 'bot' @@"`
	Mock *MockStep `parser:"| 'mock' @@"`
}

// MockStep is `parser:"mock FUNC returns EXPR"`, `parser:"mock FUNC fails 'msg'"`,
// and for HTTP calls `parser:"mock get|post URL returns|fails ..."`, where
// URL is a setting or a string.
type MockStep struct {
	Pos     lexer.Position
	Func    *Ident      `parser:"@@"`
	Target  *MockTarget `parser:"( (?! 'returns' | 'fails' ) @@ )?"`
	Returns *Expr       `parser:"( 'returns' @@"`
	Fails   *Str        `parser:"| 'fails' @@ )"`
}

// MockTarget is the URL a mocked HTTP call is made to: a setting's name or
// a string.
type MockTarget struct {
	Pos     lexer.Position
	Setting *Ident `parser:"@@"`
	URL     *Str   `parser:"| @@"`
}

// UserStep is `parser:"user 'text'"`, `parser:"user file 'path'"` or `parser:"user reset"`.
type UserStep struct {
	Pos   lexer.Position
	File  *Str `parser:"'file' @@"`
	Reset bool `parser:"| @'reset'"`
	Text  *Str `parser:"| @@"`
}

// BotStep is an expectation about the next bot message.
type BotStep struct {
	Pos      lexer.Position
	Kind     *Ident  `parser:"@@?"`
	Regex    *Str    `parser:"( '~' @@"`
	Texts    []*Str  `parser:"| @@ ( ',' @@ )*"`
	Location *LatLon `parser:"| @@ )?"`
}

// Expr is an expression; the grammar climbs precedence from `parser:"or"` down.
type Expr struct {
	Pos    lexer.Position
	EndPos lexer.Position // just after the last token, for ExprText
	Left   *AndExpr       `parser:"@@"`
	Rest   []*AndExpr     `parser:"( 'or' @@ )*"`
}

// AndExpr is a chain of `parser:"and"`.
type AndExpr struct {
	Pos  lexer.Position
	Left *NotExpr   `parser:"@@"`
	Rest []*NotExpr `parser:"( 'and' @@ )*"`
}

// NotExpr is `parser:"not x"` or a comparison.
type NotExpr struct {
	Pos lexer.Position
	Not *NotExpr `parser:"'not' @@"`
	Cmp *CmpExpr `parser:"| @@"`
}

// CmpExpr is an optional comparison of two sums.
type CmpExpr struct {
	Pos   lexer.Position
	Left  *AddExpr `parser:"@@"`
	Op    string   `parser:"( @( '==' | '!=' | '<=' | '>=' | '<' | '>' )"`
	Right *AddExpr `parser:"@@ )?"`
}

// AddExpr is a chain of + and -.
type AddExpr struct {
	Pos  lexer.Position
	Left *MulExpr `parser:"@@"`
	Rest []*AddOp `parser:"@@*"`
}

// AddOp is one `parser:"+ x"` or `parser:"- x"`.
type AddOp struct {
	Pos lexer.Position
	Op  string   `parser:"@( '+' | '-' )"`
	X   *MulExpr `parser:"@@"`
}

// MulExpr is a chain of *, / and %.
type MulExpr struct {
	Pos  lexer.Position
	Left *UnaryExpr `parser:"@@"`
	Rest []*MulOp   `parser:"@@*"`
}

// MulOp is one `parser:"* x"`, `parser:"/ x"` or `parser:"% x"`.
type MulOp struct {
	Pos lexer.Position
	Op  string     `parser:"@( '*' | '/' | '%' )"`
	X   *UnaryExpr `parser:"@@"`
}

// UnaryExpr is `parser:"-x"` or a primary with its selectors: `a.b[0].c`.
type UnaryExpr struct {
	Pos  lexer.Position
	Neg  *UnaryExpr  `parser:"'-' @@"`
	Prim *Primary    `parser:"| @@"`
	Sel  []*Selector `parser:"@@*"`
}

// Selector reads into a value: a record's field or a list's element.
type Selector struct {
	Pos   lexer.Position
	Field *Ident `parser:"'.' @@"`
	Index *Expr  `parser:"| '[' @@ ']'"`
}

// Primary is a literal, a name, a file field, a call or a parenthesised expression.
type Primary struct {
	Pos       lexer.Position
	Number    *string    `parser:"@Number"`
	Str       *Str       `parser:"| @@"`
	Bool      *string    `parser:"| @( 'true' | 'false' )"`
	FileField *Ident     `parser:"| 'file' '.' @@"`
	Call      *Call      `parser:"| @@"`
	Record    *RecordLit `parser:"| @@"`
	List      *ListLit   `parser:"| @@"`
	Name      *Ident     `parser:"| (?! 'reply' | 'set' | 'if' | 'else' | 'on' | 'when' | 'otherwise' | 'go' | 'fallback' | 'state' | 'initial' | 'entity' | 'var' | 'global' | 'test' | 'config' | 'bot' | 'user' | 'for' | 'setting' | 'mock' ) @@"`
	Paren     *Expr      `parser:"| '(' @@ ')'"`
}

// RecordLit is `parser:"{ key: value, ... }"`.
type RecordLit struct {
	Pos    lexer.Position
	Fields []*RecordField `parser:"'{' ( @@ ( ',' @@ )* ','? )? '}'"`
}

// RecordField is one `parser:"key: value"` of a record literal; the key is a
// name or a string.
type RecordField struct {
	Pos     lexer.Position
	Key     *Ident `parser:"( @@"`
	KeyText *Str   `parser:"| @@ ) ':'"`
	Value   *Expr  `parser:"@@"`
}

// ListLit is `parser:"[ value, ... ]"`.
type ListLit struct {
	Pos   lexer.Position
	Elems []*Expr `parser:"'[' ( @@ ( ',' @@ )* ','? )? ']'"`
}

// Call is `parser:"NAME(args)"`.
type Call struct {
	Pos  lexer.Position
	Func *Ident  `parser:"@@ '('"`
	Args []*Expr `parser:"( @@ ( ',' @@ )* )? ')'"`
}
