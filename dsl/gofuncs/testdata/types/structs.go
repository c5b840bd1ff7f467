package main

// Tagged shows the json tag forms.
type Tagged struct {
	Plain     string
	Renamed   int     `json:"renamed"`
	Empty     string  `json:"empty,omitempty"`
	OnlyOpts  bool    `json:",omitempty"`
	Skipped   float64 `json:"-"`
	Dash      string  `json:"-,"`
	Quoted    int     `json:"quoted,string"`
	QuotedPtr *bool   `json:",string"`
	BadName   string  `json:"a\"b"`
	private   string
	Other     string `yaml:"other"`
}

func tagged() Tagged { return Tagged{private: ""} }

// Base is embedded in Derived.
type Base struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
}

// Extra is embedded through a pointer.
type Extra struct {
	Note string `json:"note"`
}

type hidden struct {
	Secret string `json:"secret"`
	Shown  int
}

// Label is a named string, embedded.
type Label string

type lower string

// Derived embeds structs whose fields encoding/json promotes.
type Derived struct {
	Base
	*Extra
	hidden
	Label
	lower
	Kind  string `json:"kind"` // shallower: hides Base.Kind
	Named Base   `json:"named"`
	Inner Base   `json:"inner_base"`
}

func derived() Derived { return Derived{} }

// Left and Right both have Name at the same depth: neither is written.
type Left struct{ Name, Left string }

// Right is Left's rival.
type Right struct{ Name, Right string }

// Tie embeds both.
type Tie struct {
	Left
	Right
}

func tie() Tie { return Tie{} }

// TaggedWins: of two Names at one depth, the tagged one is written.
type TaggedWins struct {
	A
	B
}

// A has an untagged Name.
type A struct{ Name string }

// B has a tagged one.
type B struct {
	Other string `json:"Name"`
}

func taggedWins() TaggedWins { return TaggedWins{} }

// EmbeddedTagged is written as a field, not promoted.
type EmbeddedTagged struct {
	Base `json:"base"`
}

func embeddedTagged() EmbeddedTagged { return EmbeddedTagged{} }

// Tree refers to itself.
type Tree struct {
	Name string  `json:"name"`
	Kids []Tree  `json:"kids"`
	Up   *Tree   `json:"up"`
	Byte []Chunk `json:"chunks"`
}

// Chunk is a byte: a []Chunk is written in base64, as a []byte is.
type Chunk byte

func tree() Tree { return Tree{} }

// Ping and Pong refer to each other.
type Ping struct{ Pong *Pong }

// Pong is Ping's other half.
type Pong struct{ Ping *Ping }

func ping() Ping { return Ping{} }

// D0 to D17 nest deeper than a shape does.
type (
	D0  struct{ N D1 }
	D1  struct{ N D2 }
	D2  struct{ N D3 }
	D3  struct{ N D4 }
	D4  struct{ N D5 }
	D5  struct{ N D6 }
	D6  struct{ N D7 }
	D7  struct{ N D8 }
	D8  struct{ N D9 }
	D9  struct{ N D10 }
	D10 struct{ N D11 }
	D11 struct{ N D12 }
	D12 struct{ N D13 }
	D13 struct{ N D14 }
	D14 struct{ N D15 }
	D15 struct{ N D16 }
	D16 struct{ N D17 }
	D17 struct{ N int }
)

func deep() D0 { return D0{} }

// Page is generic; an instance is a shape.
type Page[T any] struct {
	Items []T `json:"items"`
	Next  string
}

func page() Page[Point] { return Page[Point]{} }

// anonymous returns a struct without a name.
func anonymous() struct {
	A int `json:"a"`
	b int
} {
	return struct {
		A int `json:"a"`
		b int
	}{}
}

// Alias is another name for Point.
type Alias = Point

func alias() Alias { return Alias{} }

// methods are not functions a bot calls.
func (t Tree) Size() int { return len(t.Kids) }

func main() {}

func init() {}

var counter int

const limit = 10

// W0 to W7 make a shape too large to keep: 8 to the 8th fields.
type (
	W0 struct{ A, B, C, D, E, F, G, H W1 }
	W1 struct{ A, B, C, D, E, F, G, H W2 }
	W2 struct{ A, B, C, D, E, F, G, H W3 }
	W3 struct{ A, B, C, D, E, F, G, H W4 }
	W4 struct{ A, B, C, D, E, F, G, H W5 }
	W5 struct{ A, B, C, D, E, F, G, H W6 }
	W6 struct{ A, B, C, D, E, F, G, H W7 }
	W7 struct{ A, B, C, D, E, F, G, H int }
)

func wide() W0 { return W0{} }
