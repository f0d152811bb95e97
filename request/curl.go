package request

import (
	"bytes"
	"cmp"
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
		// curl -d @file reads the file as text: without its carriage returns and newlines, and up to a NUL
		// byte, where curl's C string ends (--data-binary sends the file as it is).
		if nul := bytes.IndexByte(p, 0); nul >= 0 {
			p = p[:nul]
		}
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
// Postman writes them), each with the options ;type=TYPE (its own ;key=value parameters following, as
// curl reads them), ;headers="Name: value" or ;headers=@FILE (repeatable) and (for files) ;filename=NAME.
func (b *bodyBuilder) curlFormPart(f string) (Part, error) {
	bad := func(msg string) error { return usageErrorf("-F "+f, "%s", msg) }
	name, rest, ok := strings.Cut(f, "=")
	if !ok {
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
	var ctype, filename, last string
	var headers []string
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		key := strings.ToLower(strings.TrimSpace(k))
		switch key {
		case "type":
			ctype = strings.TrimSpace(v)
		case "filename":
			filename = strings.TrimSpace(v)
		case "headers":
			hs, err := b.formHeaders(strings.TrimSpace(v), "-F "+f)
			if err != nil {
				return Part{}, err
			}
			headers = append(headers, hs...)
		default:
			if last == "type" && v != "" {
				ctype += ";" + strings.TrimSpace(o) // a parameter of the type: type=text/plain;charset=utf-8
				continue
			}
			if key == "encoder" {
				return Part{}, bad("hop does not support the -F option encoder= (it knows type=, filename= and headers=)")
			}
			// curl ends an unquoted value at the ; and skips the rest with a warning: refused here, so
			// that a value cut short is not sent unnoticed.
			return Part{}, bad(fmt.Sprintf("%q is no -F option (type=, filename=, headers=): curl would cut the value at the ; and skip it; to send a ; in the value, quote it: %s=\"...;...\"", strings.TrimSpace(o), name))
		}
		last = key
	}
	if ctype == "" {
		// A part's own Content-Type header is its type when type= gives none, as curl takes it.
		for _, h := range headers {
			if name, value, _ := strings.Cut(h, ":"); strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
				ctype = strings.TrimSpace(value)
				break
			}
		}
	}
	// A type not given comes from curl's list of extensions (lib/mime.c): the name sent first.
	switch {
	case quoted:
	case strings.HasPrefix(value, "@"):
		var p Part
		var err error
		if value == "@-" {
			p, err = b.stdinPart(name, "-F "+f) // standard input: typed by filename= alone
			ctype = cmpOr(ctype, curlKnownType(filename))
		} else {
			p, err = b.filePart(name, value[1:], "-F "+f)
			ctype = cmp.Or(ctype, curlKnownType(cmpOr(filename, p.Filename)), curlKnownType(p.File), "application/octet-stream")
		}
		if err != nil {
			return Part{}, err
		}
		p.ContentType = ctype
		if filename != "" {
			p.Filename = filename
		}
		p.Headers = headers
		return p, nil
	case strings.HasPrefix(value, "<"):
		// curl reads no filename= here, and types the text by the file's name, but for text/plain, a
		// form field's own type.
		p, err := b.readFile(value[1:], "-F "+f)
		if err != nil {
			return Part{}, err
		}
		if t := curlKnownType(value[1:]); ctype == "" && t != "text/plain" {
			ctype = t
		}
		return Part{Name: name, Value: string(p), ContentType: ctype, Headers: headers}, nil
	}
	// A value with filename= goes as a file of that name, typed by it, as curl sends it.
	return Part{Name: name, Value: value, Filename: filename, ContentType: cmpOr(ctype, curlKnownType(filename)), Headers: headers}, nil
}

// stdinPart is curl's -F name=@-: standard input as a file part named "-", read whole first, as curl reads
// it, and so sent with its length (and again, for --retry).
func (b *bodyBuilder) stdinPart(name, arg string) (Part, error) {
	data, err := b.readFile("-", arg)
	if err != nil {
		return Part{}, err
	}
	if data == nil {
		data = []byte{} // held, even when empty: the part is never opened as a file named "-"
	}
	return Part{Name: name, File: "-", Filename: "-", Size: int64(len(data)), held: data}, nil
}

// formHeaders reads a -F part's headers= option: one "Name: value", or @FILE with one per line (blank lines
// and # comments skipped, a line starting with a blank continuing the one before), as curl reads them.
func (b *bodyBuilder) formHeaders(v, arg string) ([]string, error) {
	lines := []string{v}
	if file, ok := strings.CutPrefix(v, "@"); ok {
		data, err := b.readFileUpTo(file, arg, maxHeaderFile) // bounded as -H @FILE is
		if err != nil {
			return nil, err
		}
		lines = nil
		for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
			switch {
			case strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#"):
			case (l[0] == ' ' || l[0] == '\t') && len(lines) > 0:
				lines[len(lines)-1] += l // folded: joined as it is, as curl joins it
			default:
				lines = append(lines, l)
			}
		}
	}
	for _, h := range lines {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return nil, usageErrorf(arg, "headers= expects \"Name: value\"")
		}
		if err := ValidateHeader(strings.TrimSpace(name), strings.TrimSpace(value)); err != nil {
			return nil, &UsageError{Arg: arg, Err: err}
		}
	}
	return lines, nil
}

// curlKnownType is the Content-Type curl gives a -F part's name from its own short list of extensions
// (lib/mime.c's Curl_mime_contenttype), or "" (a .json file included).
func curlKnownType(name string) string {
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
	return ""
}

// splitFormValue separates a -F value from its ;options (KEY=VALUE, the value as formWord reads it).
// Unquoted, the value ends at the first ;, as curl 7.88 reads it (a ; in a value is written in quotes).
func splitFormValue(s string) (string, []string, error) {
	value, rest := s, ""
	if strings.HasPrefix(s, `"`) {
		var err error
		if value, rest, err = formWord(s); err != nil {
			return "", nil, err
		}
	} else if i := strings.IndexByte(s, ';'); i >= 0 {
		value, rest = s[:i], s[i:]
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
