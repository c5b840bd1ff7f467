// Package templates holds the non-Go files a bot is built with: the web chat
// page that every bot serves (HTML, CSS, JavaScript and the front-end
// libraries vendored from npm by scripts/vendor-ui.sh) and the generated
// module's go.mod template. It is part of the source botgen carries, so a
// generated bot embeds exactly the page of the botgen that built it.
package templates

import "embed"

// Page is the web chat page: page/index.html (a html/template), the files it
// loads, and page/vendor/ with the libraries and their licences. A file
// stored as NAME.gz is served as NAME.
//
//go:embed page
var Page embed.FS
