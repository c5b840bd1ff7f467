//go:build unix

package server

import "syscall"

// fileLimit is the number of file descriptors the process may open (0 when
// unknown).
func fileLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<30 {
		return 0
	}
	return int(rl.Cur)
}
