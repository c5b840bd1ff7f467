package assets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// compactFigure checks that data is a JSON object with a "data" array and
// returns it compacted.
func compactFigure(data []byte) (string, error) {
	var fig map[string]json.RawMessage
	if err := json.Unmarshal(data, &fig); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return "", fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return "", fmt.Errorf("not a JSON object")
	}
	var traces []json.RawMessage
	raw, ok := fig["data"]
	if !ok {
		return "", fmt.Errorf(`no "data" array`)
	}
	if err := json.Unmarshal(raw, &traces); err != nil || traces == nil {
		return "", fmt.Errorf(`"data" is not an array`)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}
