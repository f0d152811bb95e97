package redact

import "strings"

// KeyHeader reports whether a header named name carries an API key or a token by its name alone, its whole
// value a credential: X-Api-Key, X-Goog-Api-Key, X-Auth-Token, Private-Token, X-Amz-Security-Token,
// Ocp-Apim-Subscription-Key, X-Client-Secret. The name's last word decides (words split at - and _, any
// case), so that X-RateLimit-Remaining-Tokens, Idempotency-Key and Sec-WebSocket-Key, which carry none,
// are not taken. Authorization, Proxy-Authorization and cookies have rules of their own.
func KeyHeader(name string) bool {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' })
	n := len(words)
	if n == 0 {
		return false
	}
	switch words[n-1] {
	case "token", "apikey", "secret", "password", "passwd":
		return true
	case "key":
		if n < 2 {
			return false
		}
		switch words[n-2] {
		case "api", "auth", "access", "secret", "subscription", "private":
			return true
		}
	}
	return false
}
