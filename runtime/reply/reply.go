// Package reply holds the messages a bot sends and the encoders that turn
// tables and charts into the JSON strings the protocol carries.
package reply

import (
	"encoding/base64"
	"strconv"

	"github.com/botgen-dev/botgen/runtime/protocol/jsonstr"
)

// Kind is a reply kind, named as in the protocol action (bot_reply_<kind>).
type Kind string

// The reply kinds.
const (
	Str       Kind = "str"
	Markdown  Kind = "markdown"
	HTML      Kind = "html"
	Options   Kind = "options"
	DataFrame Kind = "dataframe"
	Plotly    Kind = "plotly"
	Image     Kind = "image"
	File      Kind = "file"
	Location  Kind = "location"
	// Audio is a sound: baf's agent_reply_audio; bbf, which has no audio
	// reply, sends it as a file (see AudioData).
	Audio Kind = "audio"
	// RAG is an answer from documents: bbf's bot_reply_rag, baf's
	// agent_reply_rag, an object (see RAGData).
	RAG Kind = "rag"
)

// Reply is one message from the bot. Text carries the message of every kind
// whose wire form is a string (for options, dataframe and plotly it is
// already the JSON string; for image the base64 JPEG); File, Location and
// Audio carry the object kinds.
type Reply struct {
	Kind     Kind
	Text     string
	File     *FileData
	Location *Coordinates
	Audio    *AudioData `json:",omitempty"`
	RAG      *RAGData   `json:",omitempty"`
}

// RAGData is the wire form of an answer drawn from documents:
// {"llm_name", "question", "answer", "docs": [{"content", "metadata"}]}.
// LLMName is the model that wrote Answer; empty when no model did and
// Answer quotes the documents.
type RAGData struct {
	LLMName  string   `json:"llm_name"`
	Question string   `json:"question"`
	Answer   string   `json:"answer"`
	Docs     []RAGDoc `json:"docs"`
}

// RAGDoc is one passage an answer drew on, with where it comes from.
type RAGDoc struct {
	Content  string      `json:"content"`
	Metadata RAGMetadata `json:"metadata"`
}

// RAGMetadata says where a passage comes from: Source is the document's
// path as the bot names it, Title the headings above the passage.
type RAGMetadata struct {
	Source string `json:"source"`
	Title  string `json:"title,omitempty"`
}

// FileData is the wire form of a file: {"name", "type", "base64"}.
type FileData struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Base64 string `json:"base64"`
}

// Coordinates is the wire form of a location.
type Coordinates struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// Message returns the value of the frame's "message" field. For audio it is
// the file, as bbf sends it; the protocol's baf dialect sends the samples.
func (r Reply) Message() any {
	switch {
	case r.File != nil:
		return r.File
	case r.Location != nil:
		return r.Location
	case r.Audio != nil:
		return &r.Audio.File
	case r.RAG != nil:
		return r.RAG
	}
	return r.Text
}

// Empty reports whether the reply would carry an empty message, which
// clients cannot render.
func (r Reply) Empty() bool {
	return r.File == nil && r.Location == nil && r.Audio == nil && r.RAG == nil && r.Text == ""
}

// NewText returns a str, markdown or html reply.
func NewText(kind Kind, text string) Reply { return Reply{Kind: kind, Text: text} }

// NewOptions returns an options reply: a JSON object string {"0": label, ...}.
func NewOptions(labels ...string) Reply {
	b := []byte{'{'}
	for i, l := range labels {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendQuote(b, strconv.Itoa(i))
		b = append(b, ": "...)
		b = jsonstr.Append(b, l)
	}
	b = append(b, '}')
	return Reply{Kind: Options, Text: string(b)}
}

// NewImage returns an image reply from JPEG bytes.
func NewImage(jpeg []byte) Reply {
	return Reply{Kind: Image, Text: base64.StdEncoding.EncodeToString(jpeg)}
}

// NewFile returns a file reply.
func NewFile(name, mime string, data []byte) Reply {
	return Reply{Kind: File, File: &FileData{Name: name, Type: mime, Base64: base64.StdEncoding.EncodeToString(data)}}
}

// NewLocation returns a location reply.
func NewLocation(lat, lon float64) Reply {
	return Reply{Kind: Location, Location: &Coordinates{Latitude: lat, Longitude: lon}}
}
