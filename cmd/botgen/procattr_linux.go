package main

import "syscall"

// botProcAttr has the kernel send the bot SIGTERM when botgen dies. The
// signal follows the thread that started the bot, and the Go runtime does
// not end its threads (none of botgen's goroutines locks one).
func botProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
