package check

import (
	"os"
	"slices"

	"github.com/botgen-dev/botgen/dsl/diag"
	"github.com/botgen-dev/botgen/dsl/gofuncs"
)

// goPackage returns the Go functions beside the bot, loaded when the bot
// first needs them (a call that names no built-in, a mock of a function):
// a bot that calls none never runs the go command. Nil when the bot's
// folder does not exist (a source checked on its own, from memory) or its
// Go files cannot be type-checked. The Go files' problems are reported
// with their own positions, once, whatever the pass that asked.
func (c *checker) goPackage() *gofuncs.Package {
	if c.goLoaded {
		return c.goPkg
	}
	c.goLoaded = true
	dir := c.loader.Dir
	if dir == "" {
		dir = "."
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil
	}
	p, diags := gofuncs.Load(dir, gofuncs.Options{Cache: c.goCache})
	c.goFailed = diags.HasErrors()
	c.goPkg = p
	// Reported even while another pass is quiet: the load happens once.
	c.diags = append(c.diags, diags...)
	if p != nil {
		for _, f := range p.Funcs {
			if reservedFunc(f.Name) {
				c.diags = append(c.diags, diag.Diagnostic{Pos: f.Pos, Severity: diag.Warning, Message: "Go function " + f.Name +
					" has the name of a function of the bot language, which a call of " + f.Name + " in the bot calls: rename it to call it from the bot"})
			}
		}
	}
	return p
}

// goNames records the names the Go files beside the bot declare, which the
// generated code must leave to them.
func (c *checker) goNames() {
	if !c.goLoaded {
		// The bot calls none of them, but they are compiled into it all
		// the same: read their names, without the go command.
		dir := c.loader.Dir
		if dir == "" {
			dir = "."
		}
		c.bot.GoNames, c.bot.GoImports = gofuncs.Names(dir)
		return
	}
	if c.goPkg == nil {
		return
	}
	names, imports := []string{}, []string{}
	for _, d := range c.goPkg.Decls {
		list := &names
		if d.Kind == gofuncs.ImportDecl {
			list = &imports
		}
		if !slices.Contains(*list, d.Name) {
			*list = append(*list, d.Name)
		}
	}
	c.bot.GoNames, c.bot.GoImports = names, imports
}
