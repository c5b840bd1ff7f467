//go:build ignore

// A program go run tool.go runs, which a build of the bot leaves out.
package tool

func main() {}
