package main

import "github.com/gorilla/websocket"

func code() int { return websocket.CloseNormalClosure }
