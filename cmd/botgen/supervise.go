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

// startBot starts the bot's process. On Linux the bot gets SIGTERM if
// botgen dies before it, even of SIGKILL, so that no bot outlives the
// botgen that started it and holds on to its port.
func startBot(cmd *exec.Cmd) error {
	cmd.SysProcAttr = botProcAttr()
	return cmd.Start()
}

// stopBot passes the stop signal s on to the bot and waits for it to exit,
// returning how it exited. Another stop signal meanwhile kills it at once:
// a second Ctrl+C does not wait for a slow shutdown.
func stopBot(p *os.Process, done <-chan error, s os.Signal, sigs <-chan os.Signal) error {
	_ = p.Signal(botSignal(s))
	for {
		select {
		case err := <-done:
			return err
		case <-sigs:
			_ = p.Kill()
		}
	}
}
