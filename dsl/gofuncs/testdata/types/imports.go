package main

import (
	strs "strings"
	_ "unsafe"
)

func upper(s string) string { return strs.ToUpper(s) }
