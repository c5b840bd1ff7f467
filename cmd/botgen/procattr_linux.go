package main

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// botProcAttr has the kernel send the bot SIGTERM when botgen dies. The
// signal follows the thread that started the bot, and the Go runtime does
// not end its threads (none of botgen's goroutines locks one).
func botProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// followGoRun has botgen receive SIGTERM when the go command that runs it
// (`go run ./cmd/botgen run ...`) exits: go run does not pass SIGTERM on
// to its program, which would live on, with the bot, after a script has
// stopped go run. Under any other parent (a shell that may exit while
// botgen runs on, under nohup) nothing changes.
func followGoRun() {
	ppid := os.Getppid()
	exe, err := os.Readlink("/proc/" + strconv.Itoa(ppid) + "/exe")
	if err != nil || filepath.Base(exe) != "go" {
		return
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0); errno != 0 {
		return
	}
	if os.Getppid() != ppid { // go run ended before the signal was set
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	}
}
