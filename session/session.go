// Package session keeps state between requests and between runs: a cookie jar that reads and writes curl's
// Netscape cookie files, and named sessions (cookies, headers and credentials per host) stored under the
// user's config directory. Files that may hold secrets are written 0600, through a temporary file renamed
// into place, so a crash never leaves half a file. Nothing here prints.
package session
