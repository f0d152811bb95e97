package request

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// curl's data flags, -F and --url-query, with curl's meanings.

var dataFlags = [...]string{DataASCII: "-d", DataRaw: "--data-raw", DataBinary: "--data-binary", DataURLEncode: "--data-urlencode", DataJSON: "--json"}

// curlData joins the data arguments as curl does: pieces separated by &, but a --json piece added to what
// came before as it is. The body is a form, or JSON when --json was used.
func (b *bodyBuilder) curlData() (built, error) {
	var buf bytes.Buffer
	isJSON := false
	for i, d := range b.spec.Data {
		p, err := b.dataPiece(d)
		if err != nil {
			return built{}, err
		}
		if i > 0 && d.Kind != DataJSON {
			buf.WriteByte('&')
		}
		buf.Write(p)
		isJSON = isJSON || d.Kind == DataJSON
	}
	if isJSON {
		return built{data: memBody(buf.Bytes()), contentType: contentJSON, accept: contentJSON}, nil
	}
	return built{data: memBody(buf.Bytes()), contentType: "application/x-www-form-urlencoded"}, nil
}

// dataPiece reads one data argument.
func (b *bodyBuilder) dataPiece(d Data) ([]byte, error) {
	arg := dataFlags[d.Kind] + " " + d.Value
	switch d.Kind {
	case DataRaw:
		return []byte(d.Value), nil
	case DataURLEncode:
		return b.urlEncoded(d.Value, arg)
	}
	path, isFile := strings.CutPrefix(d.Value, "@")
	if !isFile {
		return []byte(d.Value), nil
	}
	p, err := b.readFile(path, arg)
	if err != nil {
		return nil, err
	}
	if d.Kind == DataASCII {
		// curl -d @file sends the file without its carriage returns and newlines.
		p = bytes.ReplaceAll(bytes.ReplaceAll(p, []byte("\r"), nil), []byte("\n"), nil)
	}
	return p, nil
}

// urlEncoded reads a --data-urlencode (or --url-query) argument: "content" and "=content" encode all of
// content, "name=content" encodes content after the name, "@file" and "name@file" encode the file's
// content.
func (b *bodyBuilder) urlEncoded(v, arg string) ([]byte, error) {
	name, content := "", v
	eq, at := strings.IndexByte(v, '='), strings.IndexByte(v, '@')
	switch {
	case eq >= 0 && (at < 0 || eq < at):
		name, content = v[:eq], v[eq+1:]
	case at >= 0:
		p, err := b.readFile(v[at+1:], arg)
		if err != nil {
			return nil, err
		}
		name, content = v[:at], string(p)
	}
	enc := curlEscape(content)
	if name == "" {
		return []byte(enc), nil
	}
	return []byte(name + "=" + enc), nil
}

// curlEscape percent-encodes all but the unreserved characters, as curl's --data-urlencode does: a space
// is "+", the form encoding, since curl 7.77 (curl/curl#6895).
func curlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		if c == ' ' {
			b.WriteByte('+')
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// urlQuery reads a --url-query argument: as --data-urlencode, and "+content" is added as it is.
func (b *bodyBuilder) urlQuery(v string) (string, error) {
	if raw, ok := strings.CutPrefix(v, "+"); ok {
		return raw, nil
	}
	p, err := b.urlEncoded(v, "--url-query "+v)
	return string(p), err
}

// curlFormPart reads a -F argument: name=value (a "quoted value" may hold ;, and is never a file), name=@file
// for a file, name=<file for a text part read from a file (either file name may be "quoted" too, as
// Postman writes them), each with the options ;type=TYPE and (for files) ;filename=NAME.
func (b *bodyBuilder) curlFormPart(f string) (Part, error) {
	bad := func(msg string) error { return usageErrorf("-F "+f, "%s", msg) }
	name, rest, ok := strings.Cut(f, "=")
	if !ok || name == "" {
		return Part{}, bad("-F expects name=value, name=@file or name=<file")
	}
	quoted := strings.HasPrefix(rest, `"`) // as in curl: name="@x" is the text @x
	from := ""                             // @ or < before a file name
	if !quoted && (strings.HasPrefix(rest, `@"`) || strings.HasPrefix(rest, `<"`)) {
		from, rest = rest[:1], rest[1:]
	}
	value, opts, err := splitFormValue(rest)
	if err != nil {
		return Part{}, bad(err.Error())
	}
	value = from + value
	var ctype, filename string
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "type":
			ctype = strings.TrimSpace(v)
		case "filename":
			filename = strings.TrimSpace(v)
		default:
			return Part{}, bad("hop does not support the -F option " + strings.TrimSpace(k) + "= (it knows type= and filename=)")
		}
	}
	switch {
	case quoted:
	case strings.HasPrefix(value, "@"):
		p, err := b.filePart(name, value[1:], "-F "+f)
		if err != nil {
			return Part{}, err
		}
		p.ContentType = cmpOr(ctype, curlFileType(p.File))
		if filename != "" {
			p.Filename = filename
		}
		return p, nil
	case strings.HasPrefix(value, "<"):
		p, err := b.readFile(value[1:], "-F "+f)
		if err != nil {
			return Part{}, err
		}
		return Part{Name: name, Value: string(p), ContentType: ctype}, nil
	}
	return Part{Name: name, Value: value, ContentType: ctype}, nil
}

// curlFileType is the Content-Type curl gives a -F file part: from its own short list of extensions
// (lib/mime.c), application/octet-stream for the rest (a .json file included).
func curlFileType(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".gif":
		return "image/gif"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain"
	case ".htm", ".html":
		return "text/html"
	case ".pdf":
		return "application/pdf"
	case ".xml":
		return "application/xml"
	}
	return "application/octet-stream"
}

// splitFormValue separates a -F value from its ;options (KEY=VALUE, the value as formWord reads it).
// Unquoted, a ; starts the options only where one follows (curl's type=, filename=, headers=, encoder=);
// any other ; is part of the value.
func splitFormValue(s string) (string, []string, error) {
	value, rest := s, ""
	if strings.HasPrefix(s, `"`) {
		var err error
		if value, rest, err = formWord(s); err != nil {
			return "", nil, err
		}
	} else {
		parts := strings.Split(s, ";")
		value = parts[0]
		for i := 1; i < len(parts); i++ {
			k, _, _ := strings.Cut(strings.TrimSpace(parts[i]), "=")
			switch strings.ToLower(k) {
			case "type", "filename", "headers", "encoder":
				rest = ";" + strings.Join(parts[i:], ";")
				i = len(parts)
				continue
			}
			value += ";" + parts[i]
		}
	}
	var opts []string
	for rest != "" { // ;KEY=VALUE...
		rest = strings.TrimLeft(rest[1:], " \t")
		end := strings.IndexAny(rest, "=;")
		if end < 0 || rest[end] == ';' { // a KEY without a value: refused by name by the caller
			if end < 0 {
				end = len(rest)
			}
			opts, rest = append(opts, rest[:end]), rest[end:]
			continue
		}
		key, v := rest[:end], rest[end+1:]
		if strings.HasPrefix(v, `"`) {
			word, after, err := formWord(v)
			if err != nil {
				return "", nil, err
			}
			opts, rest = append(opts, key+"="+word), after
			continue
		}
		end = strings.IndexByte(v, ';')
		if end < 0 {
			end = len(v)
		}
		opts, rest = append(opts, key+"="+v[:end]), v[end:]
	}
	return value, opts, nil
}

// formWord reads a "quoted" word of a -F argument as curl does: \\ and \" inside stand for \ and "
// (any other backslash stays), and blanks after the closing quote are skipped. rest is what follows, from
// the next ; on. Text after the quote curl drops with a warning; hop refuses it.
func formWord(s string) (word, rest string, err error) {
	var w strings.Builder
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '"'):
			i++
			w.WriteByte(s[i])
		case s[i] == '"':
			rest = strings.TrimLeft(s[i+1:], " \t")
			if rest != "" && rest[0] != ';' {
				return "", "", errors.New("unexpected text after the quoted value")
			}
			return w.String(), rest, nil
		default:
			w.WriteByte(s[i])
		}
	}
	return "", "", errors.New("unclosed quote in the value")
}
