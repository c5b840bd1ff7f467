package ir

import "reflect"

// This file holds the model of the language's second version: values with
// structure (records and lists), calls of Go functions and HTTP APIs,
// loops, settings and mocks. The nodes carry their positions: what fails at
// run time (a call, a dynamic value of the wrong kind) names its .bot line.

// Setting is a bot-wide, read-only value (`setting NAME = literal`) that
// the bot's settings sources (--set, BOTGEN_NAME, a config file) may
// override when it runs; Value is the one written, of type Number, String
// or Bool.
type Setting struct {
	Name  string
	Value Value
	Pos   Pos
}

// ShapeOf returns the static shape of e: its structure for a record, a list
// or a dynamic value, Shape{Type: e.ExprType()} for a number, a string or a
// bool. A nil e has the zero Shape (Invalid).
func ShapeOf(e Expr) Shape {
	if e == nil {
		return Shape{}
	}
	return e.ExprShape()
}

// scalar is the shape of a node whose type says it all, or the one it
// records.
func scalar(t Type, s Shape) Shape {
	if s.Type != Invalid {
		return s
	}
	return Shape{Type: t}
}

// Dot reads the field Name of X: `a.b`. X is a record or a dynamic value; when X
// is a list (Project), the value is the list of the field of every element
// (`items.item`). On a dynamic value the run time decides: a record gives
// its field, a list its projection, anything else (or a record without the
// field) fails.
type Dot struct {
	X       Expr
	Name    string
	Project bool // X is a list: the field of every element
	Shape   Shape
	Pos     Pos // of the field's name
}

// Index reads element I of the list X (I a number, counted from 0), or the
// field of the record X that the string I names. On a dynamic X, the run
// time decides by the kinds of X and I; an index out of range fails.
type Index struct {
	X, I  Expr
	Shape Shape
	Pos   Pos // of the opening bracket
}

// RecordLit builds a record: `{k: v, ...}`, its fields in the order written.
type RecordLit struct {
	Fields []RecordEntry
	Shape  Shape
	Pos    Pos
}

// RecordEntry is one `key: value` of a record literal.
type RecordEntry struct {
	Name  string
	Value Expr
	Pos   Pos // of the key
}

// ListLit builds a list: `[a, b, ...]`. Its shape is a list of the
// elements' shape when they all have one, else a list of dynamic values.
type ListLit struct {
	Elems []Expr
	Shape Shape
	Pos   Pos
}

// Assert is a value X of a dynamic shape (or with dynamic parts) used where
// Shape is wanted: at run time it must have that shape, or the body fails
// at Pos. The checker puts one wherever a dynamic value meets a static
// type, so that the other nodes' operands have the types they need.
type Assert struct {
	X     Expr
	Shape Shape
	Pos   Pos
}

// GoCall calls a top-level Go function beside the bot. Args has one value
// per parameter, of the parameter's language type (Number, String, Bool);
// a number converts to the parameter's Go kind at run time (an integer
// kind takes only integral numbers in its range). The result, converted as
// encoding/json would write it, has Shape.
type GoCall struct {
	Func    string
	Args    []Expr
	Params  []GoParam
	Context bool   // the function takes a context.Context first, which the bot provides
	Error   bool   // the function returns an error last: a non-nil one fails the body
	Result  string // the Go type of the result, as package main names it: "[]Order"
	Shape   Shape
	Pos     Pos // of the call's function name
	Decl    Pos // of the function's name in its .go file
}

// GoParam is a parameter of a Go function, as the generated code passes it.
type GoParam struct {
	Name   string       // "" when unnamed
	GoType string       // as package main names it: "int", "Celsius", "time.Duration"
	Import string       // the import path of the package declaring GoType, when not main nor predeclared
	Kind   reflect.Kind // the basic kind under GoType: String, Bool, an integer or float kind
}

// The HTTP methods of HTTPCall.
const (
	MethodGet  = "GET"
	MethodPost = "POST"
)

// HTTPCall is `get(url, query, headers)` or `post(url, body, headers)`: a
// request whose answer, decoded from JSON, is a dynamic value. A status
// other than 2xx, a timeout, a body over the limit or one that is not JSON
// fails the body.
type HTTPCall struct {
	Method  string // MethodGet or MethodPost
	URL     Expr   // a string
	Query   Expr   // get: a record, its fields URL-encoded as the query; nil when absent
	Body    Expr   // post: the value sent as JSON
	Headers Expr   // a record of the request's headers; nil when absent
	Pos     Pos    // of get or post
}

// ExprShape implements Expr.
func (e *Lit) ExprShape() Shape { return Shape{Type: e.Value.Type} }

// ExprShape implements Expr.
func (e *Ref) ExprShape() Shape { return scalar(e.Type, e.Shape) }

// ExprShape implements Expr.
func (e *Unary) ExprShape() Shape { return Shape{Type: e.Type} }

// ExprShape implements Expr.
func (e *Binary) ExprShape() Shape { return Shape{Type: e.Type} }

// ExprShape implements Expr.
func (e *Call) ExprShape() Shape { return scalar(e.Type, e.Shape) }

// ExprType implements Expr.
func (e *Dot) ExprType() Type { return e.Shape.Type }

// ExprShape implements Expr.
func (e *Dot) ExprShape() Shape { return e.Shape }

// ExprType implements Expr.
func (e *Index) ExprType() Type { return e.Shape.Type }

// ExprShape implements Expr.
func (e *Index) ExprShape() Shape { return e.Shape }

// ExprType implements Expr.
func (e *RecordLit) ExprType() Type { return Record }

// ExprShape implements Expr.
func (e *RecordLit) ExprShape() Shape { return e.Shape }

// ExprType implements Expr.
func (e *ListLit) ExprType() Type { return List }

// ExprShape implements Expr.
func (e *ListLit) ExprShape() Shape { return e.Shape }

// ExprType implements Expr.
func (e *Assert) ExprType() Type { return e.Shape.Type }

// ExprShape implements Expr.
func (e *Assert) ExprShape() Shape { return e.Shape }

// ExprType implements Expr.
func (e *GoCall) ExprType() Type { return e.Shape.Type }

// ExprShape implements Expr.
func (e *GoCall) ExprShape() Shape { return e.Shape }

// ExprType implements Expr.
func (e *HTTPCall) ExprType() Type { return Dynamic }

// ExprShape implements Expr.
func (e *HTTPCall) ExprShape() Shape { return Shape{Type: Dynamic} }

// For runs Body once for each element of List (a list, or a dynamic value
// that must be one), with the loop variable Var holding it; Var is read
// only in Body, where it hides any other name. The iterations of one turn
// are bounded (actions.max_iterations).
type For struct {
	Var  string
	List Expr
	Elem Shape // the shape of Var
	Body []Stmt
	Pos  Pos
}

func (*For) stmt() {}

// Mock replaces, in one test, what a call returns: a Go function's (Func
// is its name) or an HTTP request's (Func is "get" or "post", made to the
// URL that Setting holds, or to URL when Setting is empty). The call
// returns Returns, a constant expression, or fails with the message Fails
// when Fail is true.
type Mock struct {
	Func    string
	Setting string
	URL     string
	Returns Expr
	Fail    bool
	Fails   string
	// Result is the shape of what the Go function Func returns (zero for
	// get and post): a mocked record may leave out fields of it, which
	// then hold their zero values.
	Result Shape
}
