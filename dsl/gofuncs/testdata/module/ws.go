package main

import (
	"context"

	"github.com/gorilla/websocket"
)

// Status is what closed reports.
type Status struct {
	Code       int  `json:"code"`
	Unexpected bool `json:"unexpected"`
}

// closed tells whether a close code is one a client should not send.
func closed(ctx context.Context, code int) (Status, error) {
	err := &websocket.CloseError{Code: code}
	return Status{Code: code, Unexpected: websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure)}, ctx.Err()
}
