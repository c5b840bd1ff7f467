//go:build !linux

package main

import "syscall"

// botProcAttr is nil: only Linux tells a child that its parent died.
func botProcAttr() *syscall.SysProcAttr { return nil }

// followGoRun does nothing: only Linux tells a child that its parent died.
func followGoRun() {}
