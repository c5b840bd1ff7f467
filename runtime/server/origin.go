package server

import (
	"net/http"
	"net/url"
	"strings"
)

// checkOrigin is the upgrader's origin check (see originAllowed).
func (s *Server) checkOrigin(r *http.Request) bool {
	return originAllowed(r.Header.Get("Origin"), r.Host, s.cfg.Origins, s.loopback.Load())
}

// originRule describes the origin rule in force, for the startup log.
func (s *Server) originRule() string {
	switch {
	case len(s.cfg.Origins) > 0:
		return "allow-list: " + strings.Join(s.cfg.Origins, ", ")
	case s.loopback.Load():
		return "any origin (loopback address)"
	}
	return "same origin only"
}

// originAllowed decides whether a WebSocket handshake with the given Origin
// header may proceed. A request without Origin comes from a non-browser
// client (browsers always send it on WebSocket handshakes) and is accepted:
// the check exists to stop other web pages from talking to the bot through a
// visitor's browser, and a non-browser client could send any Origin anyway.
// With an allow-list, the origin must equal one entry (scheme://host[:port],
// case-insensitive, default ports optional; "*" allows any). Without one,
// any origin is accepted while the server listens on loopback only, and
// otherwise only the page's own origin (Origin host equal to the Host header).
func originAllowed(origin, host string, allow []string, loopback bool) bool {
	if origin == "" {
		return true
	}
	if len(allow) > 0 {
		o, ok := normalizeOrigin(origin)
		if !ok {
			return false
		}
		for _, a := range allow {
			if a == "*" {
				return true
			}
			if n, ok := normalizeOrigin(a); ok && n == o {
				return true
			}
		}
		return false
	}
	if loopback {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return stripDefaultPort(scheme, strings.ToLower(u.Host)) == stripDefaultPort(scheme, strings.ToLower(host))
}

// normalizeOrigin returns origin as lower-case scheme://host[:port] without
// a default port; "null" (sandboxed or file: pages) stays itself.
func normalizeOrigin(origin string) (string, bool) {
	origin = strings.TrimSpace(origin)
	if strings.EqualFold(origin, "null") {
		return "null", true
	}
	u, err := url.Parse(strings.TrimSuffix(origin, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme + "://" + stripDefaultPort(scheme, strings.ToLower(u.Host)), true
}

func stripDefaultPort(scheme, host string) string {
	switch scheme {
	case "http", "ws":
		return strings.TrimSuffix(host, ":80")
	case "https", "wss":
		return strings.TrimSuffix(host, ":443")
	}
	return host
}
