package auth

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"
)

// sessionIDLen is the length of a session id: 32 random bytes in URL-safe
// base64 without padding.
const sessionIDLen = 43

// session is one signed-in browser.
type session struct {
	key     [sha256.Size]byte // sha256 of the id; the id itself is not kept
	user    string
	csrf    string
	expires time.Time
}

// sessions keeps sessions in memory, oldest first. Every session has the
// same lifetime, so the oldest is also the first to expire.
type sessions struct {
	mu    sync.Mutex
	byKey map[[sha256.Size]byte]*list.Element // of *session
	order list.List                           // of *session, oldest first
	max   int
}

func newSessions(max int) *sessions {
	s := &sessions{byKey: map[[sha256.Size]byte]*list.Element{}, max: max}
	s.order.Init()
	return s
}

// create starts a session for user and returns its id and a copy.
func (s *sessions) create(user string, now time.Time, ttl time.Duration) (string, session) {
	id := randomString()
	ss := &session{key: sha256.Sum256([]byte(id)), user: user, csrf: randomString(), expires: now.Add(ttl)}
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := s.order.Front(); e != nil && !now.Before(e.Value.(*session).expires); e = s.order.Front() {
		s.remove(e)
	}
	for len(s.byKey) >= s.max {
		s.remove(s.order.Front())
	}
	s.byKey[ss.key] = s.order.PushBack(ss)
	return id, *ss
}

// get returns the live session with the id.
func (s *sessions) get(id string, now time.Time) (session, bool) {
	if len(id) != sessionIDLen {
		return session{}, false
	}
	key := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byKey[key]
	if !ok {
		return session{}, false
	}
	ss := e.Value.(*session)
	if !now.Before(ss.expires) {
		s.remove(e)
		return session{}, false
	}
	return *ss, true
}

// end ends the session with the id, if there is one.
func (s *sessions) end(id string) {
	key := sha256.Sum256([]byte(id))
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byKey[key]; ok {
		s.remove(e)
	}
}

func (s *sessions) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byKey)
}

func (s *sessions) remove(e *list.Element) {
	delete(s.byKey, e.Value.(*session).key)
	s.order.Remove(e)
}
