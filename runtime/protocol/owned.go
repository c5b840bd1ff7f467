package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// DecodeOwned is Decode for a frame the caller hands over: it decodes the
// frame's large parts in place instead of copying them, so a file's content
// and a long message's text share the frame's memory, and a frame costs
// little more than its own size. The caller must not use frame afterwards.
// It accepts and refuses exactly what Decode does, with the same request.
func (d Dialect) DecodeOwned(frame []byte) (Request, error) {
	if !utf8.Valid(frame) {
		return Request{}, ErrNotUTF8
	}
	// Validates without keeping anything: unknown members are skipped.
	var none struct{}
	if err := json.Unmarshal(frame, &none); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field == "" {
			return Request{}, fmt.Errorf("%w (it is a JSON %s)", ErrNotObject, ute.Value)
		}
		return Request{}, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	if firstByte(frame) != '{' {
		return Request{}, fmt.Errorf("%w (it is %s)", ErrNotObject, jsonType(frame))
	}
	// As encoding/json does: keys match case-insensitively, the last wins.
	var rawAction, rawMsg []byte
	members(frame, func(key, value []byte) {
		switch {
		case keyIs(key, "action"):
			rawAction = value
		case keyIs(key, "message"):
			rawMsg = value
		}
	})
	if rawAction == nil {
		return Request{}, ErrNoAction
	}
	if !isString(rawAction) {
		return Request{}, fmt.Errorf("%w: %s", ErrActionType, clip(rawAction))
	}
	if len(rawAction) > maxActionLen {
		// Longer than any action, even escaped: not worth decoding.
		return Request{}, fmt.Errorf("%w %q", ErrUnknownAction, clip(rawAction))
	}
	action := string(unquoteInPlace(rawAction))
	req, known := d.request(action)
	switch {
	case !known:
		return Request{}, fmt.Errorf("%w %q", ErrUnknownAction, clip([]byte(action)))
	case req.Action == Reset || req.Action == FetchUserMessages:
		return req, nil
	}
	if rawMsg == nil {
		return Request{}, fmt.Errorf("%w (action %s)", ErrNoMessage, action)
	}
	var err error
	switch req.Action {
	case UserMessage:
		if isString(rawMsg) {
			d.textMessage(ownedString(unquoteInPlace(rawMsg), len(frame)), &req)
		} else {
			err = d.decodeUserMessage(rawMsg, &req)
		}
	case UserFile:
		req.File, err = decodeFileOwned(rawMsg)
	case UserVoice:
		if !isString(rawMsg) {
			return Request{}, fmt.Errorf("%w: user_voice needs a base64 string, got %s", ErrMessageType, jsonType(rawMsg))
		}
		req.Audio, err = decodeBase64InPlace(unquoteInPlace(rawMsg))
		if err != nil {
			err = fmt.Errorf("%w: not base64: %v", ErrBadAudio, err)
		}
	case UserSetVariable:
		req.Vars, err = decodeVars(rawMsg)
	}
	if err != nil {
		return Request{}, err
	}
	return req, nil
}

// maxActionLen is longer than any action's JSON string, every character
// escaped as \uXXXX.
const maxActionLen = 6*len(FetchUserMessages) + 2

// ownedString turns text decoded in place into a string. Text that is most
// of its frame shares the frame's memory, which the caller has given up and
// nobody writes again, instead of being copied; shorter text is copied, so
// that keeping it (in a session's history, say) does not keep the frame.
func ownedString(b []byte, frameLen int) string {
	if len(b) == 0 || len(b) < frameLen/2 {
		return string(b)
	}
	return unsafe.String(&b[0], len(b))
}

// decodeFileOwned is decodeFile, in place.
func decodeFileOwned(raw []byte) (*File, error) {
	body := raw
	switch {
	case isString(raw):
		body = unquoteInPlace(raw)
		if !isObject(body) {
			return nil, fmt.Errorf(`%w: user_file message is not a JSON object {"name","type","base64"}`, ErrBadFile)
		}
		var none struct{}
		if err := json.Unmarshal(body, &none); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadFile, err)
		}
	case isObject(raw):
	default:
		return nil, fmt.Errorf("%w: user_file needs a string holding a JSON object, got %s", ErrMessageType, jsonType(raw))
	}
	// As json.Unmarshal into wireFile would: null leaves a string as it
	// was and clears the base64 pointer; a value of another type is an
	// error.
	var name, typ, b64 []byte
	var bad error
	str := func(v []byte, into *[]byte) {
		switch {
		case isString(v):
			*into = unquoteInPlace(v)
		case firstByte(v) != 'n':
			bad = fmt.Errorf("%w: a field holds %s where a string belongs", ErrBadFile, jsonType(v))
		}
	}
	members(body, func(key, value []byte) {
		switch {
		case keyIs(key, "name"):
			str(value, &name)
		case keyIs(key, "type"):
			str(value, &typ)
		case keyIs(key, "base64"):
			b64 = nil
			str(value, &b64)
		}
	})
	if bad != nil {
		return nil, bad
	}
	if b64 == nil {
		return nil, fmt.Errorf(`%w: no "base64" field`, ErrBadFile)
	}
	if len(name) > maxFileName || len(typ) > maxFileName {
		return nil, fmt.Errorf("%w: name or type longer than %d bytes", ErrBadFile, maxFileName)
	}
	data, err := decodeBase64InPlace(b64)
	if err != nil {
		return nil, fmt.Errorf("%w: content is not base64: %v", ErrBadFile, err)
	}
	return &File{Name: string(name), Type: string(typ), Data: data}, nil
}

// keyIs reports whether a raw JSON key names field, as encoding/json
// matches them (case-insensitively). Keys longer than any field cannot.
func keyIs(raw []byte, field string) bool {
	if len(raw) > 8*len(field)+2 {
		return false
	}
	var k string
	if json.Unmarshal(raw, &k) != nil {
		return false
	}
	return strings.EqualFold(k, field)
}

// members calls f with the raw key (quoted) and raw value of every member
// of the JSON object b, which must be valid JSON.
func members(b []byte, f func(key, value []byte)) {
	i := skipSpace(b, 0) + 1 // {
	for {
		i = skipSpace(b, i)
		if b[i] == '}' {
			return
		}
		ks := i
		i = skipString(b, i)
		key := b[ks:i]
		i = skipSpace(b, i) + 1 // :
		i = skipSpace(b, i)
		vs := i
		i = skipValue(b, i)
		f(key, b[vs:i])
		i = skipSpace(b, i)
		if b[i] == ',' {
			i++
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipString returns the index just after the string that starts at b[i].
func skipString(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexAny(b[i:], `"\`)
		i += j
		if b[i] == '"' {
			return i + 1
		}
		i += 2 // an escape: the byte after the backslash is never the end
	}
}

// skipValue returns the index just after the value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}

// unquoteInPlace decodes the valid JSON string s (quotes included) as
// encoding/json does, writing over s: the decoded text is never longer than
// its escaped form once the frame is known to be UTF-8.
func unquoteInPlace(s []byte) []byte {
	s = s[1 : len(s)-1]
	r := bytes.IndexByte(s, '\\')
	if r < 0 {
		return s
	}
	w := r
	for r < len(s) {
		if c := s[r]; c != '\\' {
			// Copy up to the next escape at once.
			n := bytes.IndexByte(s[r:], '\\')
			if n < 0 {
				n = len(s) - r
			}
			w += copy(s[w:], s[r:r+n])
			r += n
			continue
		}
		r++
		switch c := s[r]; c {
		case 'b', 'f', 'n', 'r', 't':
			s[w] = escaped[c]
			r++
			w++
		case 'u':
			r--
			rr := getu4(s[r:])
			r += 6
			if utf16.IsSurrogate(rr) {
				if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
					r += 6
					w += utf8.EncodeRune(s[w:], dec)
					continue
				}
				rr = unicode.ReplacementChar
			}
			w += utf8.EncodeRune(s[w:], rr)
		default: // " \ /
			s[w] = c
			r++
			w++
		}
	}
	return s[:w]
}

// escaped maps the letter of a one-letter escape to its byte.
var escaped = [256]byte{'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// getu4 reads the \uXXXX escape at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// b64Value maps both base64 alphabets to their values: 0xfe marks the
// standard alphabet's own characters (+ /) and 0xfd the URL-safe
// alphabet's (- _), each followed by its value in b64Alpha; 0xff is invalid.
var b64Value, b64Alpha = func() (v [256]byte, alpha [256]byte) {
	for i := range v {
		v[i] = 0xff
	}
	const common = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for i := 0; i < len(common); i++ {
		v[common[i]] = byte(i)
	}
	v['+'], v['/'], v['-'], v['_'] = 62, 63, 62, 63
	alpha['+'], alpha['/'] = 1, 1
	alpha['-'], alpha['_'] = 2, 2
	return v, alpha
}()

// decodeBase64InPlace is decodeBase64 writing the bytes over b: it accepts
// what one of the standard and URL-safe encodings, padded or not, accepts
// (line breaks ignored), after an optional data: URL prefix.
func decodeBase64InPlace(b []byte) ([]byte, error) {
	if bytes.HasPrefix(b, []byte("data:")) {
		if i := bytes.Index(b, []byte(";base64,")); i >= 0 {
			b = b[i+len(";base64,"):]
		}
	}
	// Drop line breaks, as Go's decoders skip them.
	if bytes.ContainsAny(b, "\r\n") {
		w := 0
		for _, c := range b {
			if c != '\r' && c != '\n' {
				b[w] = c
				w++
			}
		}
		b = b[:w]
	}
	pad := len(b) - len(bytes.TrimRight(b, "="))
	data := b[:len(b)-pad]
	switch {
	case pad > 2 || pad > 0 && len(b)%4 != 0:
		return nil, errors.New("illegal padding")
	case pad == 0 && len(b)%4 == 1:
		return nil, errors.New("truncated input")
	}
	var alphabets byte
	for i, c := range data {
		if b64Value[c] == 0xff {
			return nil, fmt.Errorf("illegal character at byte %d", i)
		}
		if alphabets |= b64Alpha[c]; alphabets == 3 {
			return nil, fmt.Errorf("both alphabets at byte %d", i)
		}
	}
	// Four characters give three bytes, written behind the reading point.
	w, r := 0, 0
	for ; r+4 <= len(data); r += 4 {
		v := uint(b64Value[data[r]])<<18 | uint(b64Value[data[r+1]])<<12 | uint(b64Value[data[r+2]])<<6 | uint(b64Value[data[r+3]])
		data[w], data[w+1], data[w+2] = byte(v>>16), byte(v>>8), byte(v)
		w += 3
	}
	switch len(data) - r {
	case 2:
		v := uint(b64Value[data[r]])<<18 | uint(b64Value[data[r+1]])<<12
		data[w] = byte(v >> 16)
		w++
	case 3:
		v := uint(b64Value[data[r]])<<18 | uint(b64Value[data[r+1]])<<12 | uint(b64Value[data[r+2]])<<6
		data[w], data[w+1] = byte(v>>16), byte(v>>8)
		w += 2
	}
	return data[:w:w], nil
}
