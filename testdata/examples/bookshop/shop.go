package main

import (
	"errors"
	"strings"
)

// Order is an order of the shop, as the bot shows it.
type Order struct {
	Number string `json:"number"`
	Status string `json:"status"`
	Books  int    `json:"books"`
	Eta    string `json:"eta"`
}

// orders stands in for the shop's order system.
var orders = map[string]Order{
	"A1001": {Number: "A1001", Status: "shipped", Books: 2, Eta: "Thursday"},
	"A1002": {Number: "A1002", Status: "being packed", Books: 1, Eta: "next Monday"},
}

// orderStatus looks an order up by its number, such as A1001, and says
// where it is and when it should arrive.
func orderStatus(number string) (Order, error) {
	o, ok := orders[strings.ToUpper(strings.TrimSpace(number))]
	if !ok {
		return Order{}, errors.New("no order has that number")
	}
	return o, nil
}

// stock says how many copies of a book the shop has, by its title.
func stock(title string) int {
	switch strings.ToLower(strings.TrimSpace(title)) {
	case "dune":
		return 4
	case "middlemarch":
		return 1
	}
	return 0
}
