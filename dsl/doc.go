// Package dsl reads .bot files: Parse builds the syntax tree with a
// participle grammar, and Check resolves names, types expressions, loads the
// files the bot references and produces the resolved model of package ir,
// which is all the generator sees. Problems are returned as Diagnostics with
// positions, all collected in one run; the package never prints and never
// panics on any input.
package dsl
