package transport

import (
	"os"
	"sync"
)

// KeyLogFile appends TLS secrets to the file at Path in NSS's key log format, as curl and OpenSSL do for
// SSLKEYLOGFILE, so that Wireshark can decrypt a capture. The file is opened for each write (a few lines a
// handshake), created readable by its owner only, so that it never holds a descriptor past a command.
// A write never fails the handshake: the first failure goes to Failed, the next ones nowhere.
type KeyLogFile struct {
	Path   string
	Failed func(error)

	mu     sync.Mutex
	failed bool
}

// Write appends p, one line of secrets; it always reports success to crypto/tls.
func (k *KeyLogFile) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.failed {
		return len(p), nil
	}
	f, err := os.OpenFile(k.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err == nil {
		_, err = f.Write(p)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		k.failed = true
		if k.Failed != nil {
			k.Failed(err)
		}
	}
	return len(p), nil
}
