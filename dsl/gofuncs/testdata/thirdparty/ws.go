package main

import (
	"fmt"

	"github.com/gorilla/websocket"
)

func closed(code int) string { return fmt.Sprint(websocket.IsUnexpectedCloseError(nil, code)) }
