//go:build !unix

package server

// fileLimit is the number of file descriptors the process may open: unknown
// here, so the listener does not limit connections by it.
func fileLimit() int { return 0 }
