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
	".tsv":  "text/tab-separated-values",
	".htm":  "text/html",
	".webp": "image/webp",
	".yaml": "application/yaml",
	".yml":  "application/yaml",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".mp4":  "video/mp4",
}

// TypeByName is the MIME type a file name's extension implies, from the
// fixed table only (the same on every machine); "" when it implies none.
func TypeByName(name string) string {
	return mimeTable[strings.ToLower(path.Ext(name))]
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
