package server

import (
	"context"
	"log/slog"
)

// connHandler is a connection's log handler: it adds the connection's
// attributes (its session, number, peer and dialect) to a record when the
// record is written, where slog.Logger.With would format them when the
// connection opens and keep them for as long as it is open. A connection
// logs a few lines in its life; it may be open for hours.
type connHandler struct {
	slog.Handler
	c      *conn
	remote string
}

// newConnLogger returns c's logger, on the server's.
func newConnLogger(s *Server, c *conn, remote string) *slog.Logger {
	return slog.New(connHandler{Handler: s.log.Handler(), c: c, remote: remote})
}

func (h connHandler) attrs() []slog.Attr {
	return []slog.Attr{
		slog.String("session", h.c.sess.logID()),
		slog.Uint64("conn", h.c.id),
		slog.String("remote", h.remote),
		slog.String("dialect", string(h.c.srv.dialect)),
	}
}

// Handle writes r with the connection's attributes first, as With would.
func (h connHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(h.attrs()...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h connHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return h.Handler.WithAttrs(append(h.attrs(), as...))
}

func (h connHandler) WithGroup(name string) slog.Handler {
	return h.Handler.WithAttrs(h.attrs()).WithGroup(name)
}
