//go:build !unix

package redistest

import (
	"errors"
	"os"
)

func pause(p *os.Process) error  { return errors.New("pausing a process needs Unix") }
func resume(p *os.Process) error { return nil }
