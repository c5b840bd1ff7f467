// Package helpers belongs in a folder of its own.
package helpers

func Help() string { return "help" }
