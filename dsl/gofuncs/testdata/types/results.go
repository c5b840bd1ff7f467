package main

import (
	"encoding/json"
	"fmt"
	"net"
	"time"
)

func number() float64             { return 0 }
func text() string                { return "" }
func flag() bool                  { return false }
func when() time.Time             { return time.Time{} }
func raw() json.RawMessage        { return nil }
func anything() any               { return nil }
func empty() interface{}          { return nil }
func failure() error              { return nil }
func blob() []byte                { return nil }
func matrix() [][]int             { return nil }
func fixed() [3]float64           { return [3]float64{} }
func byName() map[string]Celsius  { return nil }
func byID() map[int]City          { return nil }
func byAddr() map[Addr]int        { return nil }
func byRef() map[Ref]int          { return nil }
func ref() Ref                    { return Ref{} }
func loose() map[string]any       { return nil }
func pointer() *Point             { return nil }
func pointers() []*Point          { return nil }
func address() net.IP             { return nil }
func money() Money                { return Money{} }
func ticks() time.Duration        { return 0 }
func badKey() map[float64]string  { return nil }
func channel() chan int           { return nil }
func callback() func()            { return nil }
func cplx() complex64             { return 0 }
func badField() Holder            { return Holder{} }
func badNested() []map[string]Box { return nil }
func quiet() Quiet                { return Quiet{} }

// Point is a place on a plane.
type Point struct{ X, Y float64 }

// Money writes itself as JSON: what it writes is known when the bot runs.
type Money struct{ cents int64 }

// MarshalJSON writes m as a number of units.
func (m Money) MarshalJSON() ([]byte, error) { return json.Marshal(float64(m.cents) / 100) }

// Addr writes itself as text, which makes it a map key.
type Addr struct{ host string }

// MarshalText writes the host.
func (a Addr) MarshalText() ([]byte, error) { return []byte(a.host), nil }

// Ref writes itself as text only through a pointer: encoding/json writes
// some values of it as text and others as structs, and cannot write a map
// with Ref keys.
type Ref struct{ ID int }

// MarshalText writes the ID.
func (r *Ref) MarshalText() ([]byte, error) { return []byte(fmt.Sprint(r.ID)), nil }

// Holder has a field encoding/json cannot write.
type Holder struct {
	Name    string
	Updates chan int
}

// Box holds a Holder.
type Box struct {
	Inner Holder `json:"inner"`
}

// Quiet leaves its channel out of JSON.
type Quiet struct {
	Name    string   `json:"name"`
	Updates chan int `json:"-"`
}
