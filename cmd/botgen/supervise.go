package main

import (
	"os"
	"os/exec"
	"syscall"
)

// stopSignals stop botgen run, and the bot it runs with it: Ctrl+C, the
// SIGTERM of a script or a service manager, the SIGHUP of a closed
// terminal, and SIGQUIT. Other signals kill botgen; on Linux the bot is
// then told by its parent-death signal (see startBot).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// botSignal is the signal passed on to the bot for one botgen received: the
// same one, but SIGTERM for SIGHUP, which the bot does not handle: it would
// die of it at once instead of closing its connections. SIGQUIT makes the
// bot print its goroutines as it exits, which is what one sends it for.
func botSignal(s os.Signal) os.Signal {
	if s == syscall.SIGHUP {
		return syscall.SIGTERM
	}
	return s
}

// bot is the process of a bot that botgen run started; it is a
// watch.Process.
type bot struct {
	cmd  *exec.Cmd
	done chan error
}

// startBot starts the bot's process. On Linux the bot gets SIGTERM if
// botgen dies before it, even of SIGKILL, so that no bot outlives the
// botgen that started it and holds on to its port.
func startBot(cmd *exec.Cmd) (*bot, error) {
	cmd.SysProcAttr = botProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b := &bot{cmd: cmd, done: make(chan error, 1)}
	go func() { b.done <- cmd.Wait() }()
	return b, nil
}

// Signal passes a signal botgen received on to the bot (see botSignal).
func (b *bot) Signal(s os.Signal) error { return b.cmd.Process.Signal(botSignal(s)) }

// Kill ends the bot at once.
func (b *bot) Kill() error { return b.cmd.Process.Kill() }

// Done receives how the bot ended.
func (b *bot) Done() <-chan error { return b.done }
