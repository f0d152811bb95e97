package transport

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/hop-cli/hop/argfile"
)

// SessionFile is curl's --ssl-sessions: the TLS sessions servers gave (their tickets, and the secrets to
// resume with), kept in a file between runs, so that the next run's handshake with the same server
// resumes instead of starting anew. It is the tls.ClientSessionCache of every handshake with a server
// (over TCP or QUIC). As curl does, the server names are kept salted and hashed, not as typed; the file
// holds secrets and is written with mode 0600.
//
// The file is a text file: a comment line, then one line per session, newest first: the salt, the hash
// of the salt and Go's key for the server (its name, or address), the ticket and the session's state, each
// in base64 (the state is crypto/tls's own encoding, read back with tls.ParseSessionState). A line that
// cannot be read is passed over, as a cache's should be.
type SessionFile struct {
	path    string
	mu      sync.Mutex
	entries []*sessionEntry // newest first
	changed bool
}

type sessionEntry struct {
	salt, hash    []byte
	ticket, state []byte
}

// maxSessions bounds the sessions kept; maxSessionFile the file read.
const (
	maxSessions    = 100
	maxSessionFile = 4 << 20
)

const sessionFileHeader = "# hop TLS sessions (--ssl-sessions): secrets that resume TLS sessions; keep this file private\n"

// LoadSessionFile reads path's sessions; a file that is not there yet is an empty cache.
func LoadSessionFile(path string) (*SessionFile, error) {
	f := &SessionFile{path: path}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	data, err := argfile.Read(path, maxSessionFile)
	if err != nil {
		return nil, optionErrorf("--ssl-sessions "+path, "%v", err)
	}
	s := bufio.NewScanner(bytes.NewReader(data))
	s.Buffer(nil, maxSessionFile)
	for s.Scan() && len(f.entries) < maxSessions {
		fields := strings.Fields(s.Text())
		if len(fields) != 4 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		var e sessionEntry
		var bad bool
		for i, dst := range []*[]byte{&e.salt, &e.hash, &e.ticket, &e.state} {
			b, err := base64.StdEncoding.DecodeString(fields[i])
			bad = bad || err != nil || len(b) == 0
			*dst = b
		}
		if !bad && len(e.salt) == 16 && len(e.hash) == sha256.Size {
			f.entries = append(f.entries, &e)
		}
	}
	return f, nil
}

// hashed is the hash of key under salt.
func hashed(salt []byte, key string) []byte {
	h := sha256.New()
	h.Write(salt)
	io.WriteString(h, key)
	return h.Sum(nil)
}

// find is the index of key's entry, or -1.
func (f *SessionFile) find(key string) int {
	for i, e := range f.entries {
		if bytes.Equal(e.hash, hashed(e.salt, key)) {
			return i
		}
	}
	return -1
}

// Get is tls.ClientSessionCache's: key's session, when there is one crypto/tls can read.
func (f *SessionFile) Get(key string) (*tls.ClientSessionState, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.find(key)
	if i < 0 {
		return nil, false
	}
	e := f.entries[i]
	state, err := tls.ParseSessionState(e.state)
	if err == nil {
		var cs *tls.ClientSessionState
		if cs, err = tls.NewResumptionState(e.ticket, state); err == nil {
			return cs, true
		}
	}
	f.entries = append(f.entries[:i], f.entries[i+1:]...) // unreadable: dropped
	f.changed = true
	return nil, false
}

// Put is tls.ClientSessionCache's: the session a server gave for key (nil: forget it), kept newest first.
func (f *SessionFile) Put(key string, cs *tls.ClientSessionState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i := f.find(key); i >= 0 {
		f.entries = append(f.entries[:i], f.entries[i+1:]...)
		f.changed = true
	}
	if cs == nil {
		return
	}
	ticket, state, err := cs.ResumptionState()
	if err != nil || state == nil || len(ticket) == 0 {
		return
	}
	b, err := state.Bytes()
	if err != nil {
		return
	}
	e := &sessionEntry{salt: make([]byte, 16), ticket: ticket, state: b}
	rand.Read(e.salt)
	e.hash = hashed(e.salt, key)
	f.entries = append([]*sessionEntry{e}, f.entries...)
	if len(f.entries) > maxSessions {
		f.entries = f.entries[:maxSessions]
	}
	f.changed = true
}

// Save writes the sessions to the file, when they changed: whole or not at all, mode 0600
// (argfile.WriteFile, as --alt-svc's file is written).
func (f *SessionFile) Save() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.changed {
		return nil
	}
	var b strings.Builder
	b.WriteString(sessionFileHeader)
	for _, e := range f.entries {
		enc := base64.StdEncoding.EncodeToString
		fmt.Fprintf(&b, "%s %s %s %s\n", enc(e.salt), enc(e.hash), enc(e.ticket), enc(e.state))
	}
	if err := argfile.WriteFile(f.path, []byte(b.String())); err != nil {
		return fmt.Errorf("--ssl-sessions %s: %w", f.path, err)
	}
	f.changed = false
	return nil
}

// SaveSessions writes --ssl-sessions' file, when the options gave one.
func (t *Transport) SaveSessions() error {
	if t.sessions == nil {
		return nil
	}
	return t.sessions.Save()
}
