package bottest

import (
	"fmt"
	"sync"

	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/fetch"
)

// Mocker gives the sessions of a test run its cases' mocks, when the bot
// runs in the same process as the run (the bot's own test command): Prepare
// is Options.Prepare, Attach the server's NewSession. Every test session
// gets strict HTTP mocks, so that a call no test mocked fails, naming its
// URL, instead of reaching the network.
type Mocker struct {
	eng   *engine.Engine
	mu    sync.Mutex
	byKey map[string]*engine.Mocks
}

// NewMocker returns a Mocker for the bot eng runs; its settings give the
// URLs of `mock get SETTING` lines.
func NewMocker(eng *engine.Engine) *Mocker {
	return &Mocker{eng: eng, byKey: map[string]*engine.Mocks{}}
}

// Prepare builds the mocks of c for the session key.
func (m *Mocker) Prepare(key string, c Case) error {
	em := &engine.Mocks{HTTP: fetch.NewMocks(true)}
	for _, mk := range c.Mocks {
		if mk.Func != "" {
			if em.Funcs == nil {
				em.Funcs = map[string]engine.FuncMock{}
			}
			em.Funcs[mk.Func] = engine.FuncMock{Value: mk.Value, Fail: mk.Fail, Fails: mk.Fails}
			continue
		}
		url := mk.URL
		if mk.Setting != "" {
			v, _ := m.eng.Setting(mk.Setting)
			s, ok := v.(string)
			if !ok {
				return fmt.Errorf("%s: mock %s %s: the bot has no setting %s holding a URL", mk.Pos, mk.Method, mk.Setting, mk.Setting)
			}
			url = s
		}
		if mk.Fail || mk.Fails != "" {
			em.HTTP.Fail(mk.Method, url, mk.Fails)
		} else {
			em.HTTP.Return(mk.Method, url, mk.Value)
		}
	}
	m.mu.Lock()
	m.byKey[key] = em
	m.mu.Unlock()
	return nil
}

// Attach gives the session key its mocks, once.
func (m *Mocker) Attach(key string, s *engine.Session) {
	m.mu.Lock()
	em := m.byKey[key]
	delete(m.byKey, key)
	m.mu.Unlock()
	if em != nil {
		s.SetMocks(em)
	}
}
