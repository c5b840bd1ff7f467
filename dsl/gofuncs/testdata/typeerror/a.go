package main

import "strings"

// count has a type error.
func count() int {
	return "three"
}
