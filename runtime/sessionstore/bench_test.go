package sessionstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// BenchmarkAppend measures what a turn costs the store: the user's message
// and the bot's reply appended, a counter and a short string changed, on a
// session holding ten more variables and a history of session.history
// entries. The folder's file is rewritten every CompactAfter turns, and
// Redis runs on loopback.
func BenchmarkAppend(b *testing.B) {
	for _, be := range backends() {
		b.Run(be.name, func(b *testing.B) {
			opt := testOptions()
			opt.History = 1000
			st, _ := be.open(b, opt)
			vars := map[string]any{}
			for i := range 10 {
				vars[fmt.Sprint("v", i)] = fmt.Sprint("a value of some length ", i)
			}
			var h []Entry
			var m Mark
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				v := map[string]any{"count": float64(i), "last": fmt.Sprint("said ", i)}
				for k, x := range vars {
					v[k] = x
				}
				added := []Entry{
					{At: at0, User: true, Message: "what is the weather in Barcelona?"},
					{At: at0, Reply: &Reply{Kind: reply.Str, Text: "The weather in Barcelona is 21.5°C"}},
				}
				if err := st.Append(ctx, "bench", &m, turnOf(engine.Snapshot{State: "main", Vars: v}, added, &h, 1000)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
