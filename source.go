// Package botgen carries botgen's own runtime source so that a bot is always
// built against the runtime of the botgen that generated it, from a source
// checkout or an installed binary alike, without a network.
package botgen

import "embed"

// Source is the runtime library, the templates and the module files that a
// generated program is built with.
//
//go:embed go.mod go.sum runtime templates
var Source embed.FS
