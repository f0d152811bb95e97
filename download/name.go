package download

import (
	"mime"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes is the longest file name most file systems take.
const maxNameBytes = 255

// Name is the file name -O saves a response under: the filename (or RFC 5987 filename*) of its
// Content-Disposition, else the last segment of the path of the URL the user typed (never a redirect
// target's: the server does not pick where a file lands by redirecting), else "index" with an extension for
// its Content-Type. Whatever the source, the name is made safe: a base name only ("/" and "\\" both
// separate), no control characters, no leading dots, never "." or "..", at most 255 bytes.
func Name(contentDisposition string, typed *url.URL, contentType string) string {
	if _, params, err := mime.ParseMediaType(contentDisposition); err == nil {
		if n := Sanitize(params["filename"]); n != "" {
			return n
		}
	}
	if typed != nil {
		// What follows the last "/", as curl -O takes it: a path ending in "/" names nothing.
		if n := Sanitize(typed.Path[strings.LastIndexByte(typed.Path, '/')+1:]); n != "" {
			return n
		}
	}
	ext := ""
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch mt {
		case "text/html":
			ext = ".html"
		case "application/json":
			ext = ".json"
		case "text/plain":
			ext = ".txt"
		default:
			if exts, _ := mime.ExtensionsByType(mt); len(exts) > 0 {
				ext = exts[0]
			}
		}
	}
	return "index" + ext
}

// URLName is the name curl -O gives a file: the last segment of the URL's path as typed, percent-escapes
// and all (curl does not decode them, so the name can hold no "/" or control character); "" when the path
// ends in "/" (curl: "Remote file name has no length") or the segment is "." or "..".
func URLName(u *url.URL) string {
	p := u.EscapedPath()
	name := p[strings.LastIndexByte(p, '/')+1:]
	if name == "." || name == ".." {
		return ""
	}
	return name
}

// KeepsEncoding reports whether a body saved as name, of type contentType, sent with the Content-Encoding
// coding, is that compressed file itself, to be saved as sent: a .tar.gz, or an application/gzip body,
// labelled gzip by a server that marks a stored compressed file with its own compression. Browsers keep such
// a file as it came (and curl never decodes without --compressed); decoding it would save a tar under a
// .tar.gz name.
func KeepsEncoding(name, contentType, coding string) bool {
	var exts, types []string
	switch strings.ToLower(strings.TrimSpace(coding)) {
	case "gzip", "x-gzip":
		exts, types = []string{".gz", ".tgz", ".svgz"}, []string{"application/gzip", "application/x-gzip", "application/x-tgz", "application/x-compressed-tar"}
	case "br":
		exts, types = []string{".br"}, []string{"application/x-brotli"}
	case "zstd":
		exts, types = []string{".zst", ".zstd", ".tzst"}, []string{"application/zstd"}
	default:
		return false // none, a coding hop does not decode, or several layered
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	ext := strings.ToLower(path.Ext(name))
	return slices.Contains(exts, ext) || slices.Contains(types, mt)
}

// Sanitize makes name a safe base name, or "" when nothing safe is left.
func Sanitize(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || r == 0x202e || r == 0x202d { // controls, broken bytes, bidi overrides
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(strings.TrimLeft(name, ". "))
	if name == "" || name == "." || name == ".." {
		return ""
	}
	if len(name) > maxNameBytes {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = cut(name, maxNameBytes-len(ext)) + ext
	}
	return name
}

// cut is name's first n bytes at most, never a character cut in two.
func cut(name string, n int) string {
	if len(name) <= n {
		return name
	}
	name = name[:n]
	for !utf8.ValidString(name) {
		name = name[:len(name)-1]
	}
	return name
}
