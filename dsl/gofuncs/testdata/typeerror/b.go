package main

func name() string {
	var unused int
	return missing
}

// fine still describes itself.
func fine(n int) int { return n }
