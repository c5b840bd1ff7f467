package reply

import (
	"mime"
	"net/http"
	"path"
	"strings"
)

// mimeTable holds the types of common extensions, so that a file gets the
// same type on every machine.
var mimeTable = map[string]string{
	".csv":  "text/csv",
	".txt":  "text/plain",
	".json": "application/json",
	".md":   "text/markdown",
	".html": "text/html",
	".pdf":  "application/pdf",
	".png":  "image/png",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".gif":  "image/gif",
	".svg":  "image/svg+xml",
	".zip":  "application/zip",
	".xml":  "application/xml",
	".wav":  "audio/wav",
	".mp3":  "audio/mpeg",
	".ogg":  "audio/ogg",
}

// MIMEType picks a file's MIME type: a fixed table first, so that builds do
// not depend on the machine's MIME database, then the system's, then the
// content.
func MIMEType(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := mimeTable[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
		return strings.TrimSpace(strings.Split(t, ";")[0])
	}
	return http.DetectContentType(data)
}
