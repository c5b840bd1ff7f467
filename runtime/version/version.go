// Package version holds the botgen release and the generated-code contract
// version shared by the generator and the runtime.
package version

// Version is the botgen release; the generator stamps it into every file it
// writes and bots print it in `version`.
const Version = "0.1.0"

// Gen is the version of the contract between generated code and the
// runtime. The generator emits
//
//	const _ = version.Enforce(GEN - version.MinGen)
//	const _ = version.Enforce(version.Gen - GEN)
//
// with its own GEN, so code generated for another contract fails to compile
// (a negative constant does not convert to an unsigned type) instead of
// misbehaving at run time.
const Gen = 2

// MinGen is the oldest generated-code contract this runtime accepts.
const MinGen = 2

// Enforce is the unsigned type that makes a contract mismatch a compile-time
// error.
type Enforce uint
