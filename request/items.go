package request

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hop-cli/hop/redact"
)

// itemKind says what a request item contributes to the request.
type itemKind int

// The request item kinds, named after HTTPie's separators.
const (
	itemHeader      itemKind = iota // Name:Value (Name: removes a default header)
	itemEmptyHeader                 // Name; sends the header with an empty value
	itemHeaderFile                  // Name:@file, the value read from a file
	itemQuery                       // name==value
	itemQueryFile                   // name==@file
	itemField                       // field=value
	itemFieldFile                   // field=@file
	itemJSON                        // field:=json
	itemJSONFile                    // field:=@file.json
	itemUpload                      // field@path
	itemBodyFile                    // @path, @- for stdin
)

// item is one parsed request item.
type item struct {
	Kind  itemKind
	Key   string // the name with the item separators' escapes undone; other backslashes kept for the nested-field parser
	Value string // the value with the separators' escapes undone; a path for the file kinds
	Raw   string // the argument as typed, for error messages
}

// separators are HTTPie 3's. At one position the longest wins, so ":=@" beats ":=" and ":".
var separators = []struct {
	sep  string
	kind itemKind
}{
	{":=@", itemJSONFile},
	{"==@", itemQueryFile},
	{"==", itemQuery},
	{"=@", itemFieldFile},
	{":=", itemJSON},
	{":@", itemHeaderFile},
	{"=", itemField},
	{"@", itemUpload},
	{":", itemHeader},
	{";", itemEmptyHeader},
}

// itemSpecials are the characters of the separators: a backslash before one of them makes it literal. A
// backslash before any other character is kept, with that character (so `a[\\b]` reaches the nested-field
// parser as typed), as in HTTPie.
const itemSpecials = ":=@;"

// parseItem splits a request item at its first unescaped separator, HTTPie's way.
func parseItem(arg string) (item, error) {
	var key strings.Builder
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		if c == '\\' && i+1 < len(arg) {
			if strings.IndexByte(itemSpecials, arg[i+1]) >= 0 {
				key.WriteByte(arg[i+1])
			} else {
				key.WriteString(arg[i : i+2])
			}
			i++
			continue
		}
		for _, s := range separators {
			if !strings.HasPrefix(arg[i:], s.sep) {
				continue
			}
			it := item{Kind: s.kind, Key: key.String(), Value: unescapeValue(arg[i+len(s.sep):]), Raw: arg}
			if it.Kind == itemUpload && it.Key == "" {
				it.Kind = itemBodyFile
			}
			if it.names() {
				it.Value = expandHome(it.Value)
			}
			return it, it.validate()
		}
		key.WriteByte(c)
	}
	return item{}, usageErrorf(arg, "not a request item; expected Name:Value, name==value, field=value, field:=json, field@file or @file")
}

// names reports whether the item's value names a file.
func (it item) names() bool {
	switch it.Kind {
	case itemHeaderFile, itemQueryFile, itemFieldFile, itemJSONFile, itemUpload, itemBodyFile:
		return true
	}
	return false
}

// expandHome reads a leading ~ as the home directory, as HTTPie does for every file an item names: the shell
// leaves `f=@~/x.json` as typed, since the ~ does not start the word.
func expandHome(path string) string {
	if path != "~" && !strings.HasPrefix(path, "~/") {
		return path
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return path // no $HOME: the file is not found, and the error names the path as typed
	}
	return home + path[1:]
}

// unescapeValue undoes the separators' escapes in a value: `b\=c` is "b=c".
func unescapeValue(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(itemSpecials, s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (it item) validate() error {
	switch it.Kind {
	case itemHeader, itemEmptyHeader:
		if name := strings.ToLower(it.Key); (name == "http" || name == "https") && strings.HasPrefix(it.Value, "//") {
			// HTTPie sends "hop get URL1 URL2"'s second URL as a header named http; it is a mistake.
			return usageErrorf(redact.URL(it.Raw), "a second URL: hop sends one request (hop curl URL URL sends several); a header of that name is -H '%s: //...'", it.Key)
		}
		if it.Kind == itemEmptyHeader && it.Value != "" {
			return usageErrorf(it.Raw, "not a request item (an empty header is written Name;)")
		}
		if err := ValidateHeader(it.Key, it.Value); err != nil {
			return &UsageError{Arg: headerArg(it.Key, ":", it.Value), Err: err} // the value may be a token: never echoed
		}
	case itemHeaderFile:
		if err := ValidateHeader(it.Key, ""); err != nil {
			return &UsageError{Arg: it.Raw, Err: err}
		}
	}
	if it.names() && it.Value == "" {
		return usageErrorf(it.Raw, "no file name after the separator")
	}
	return nil
}

// headerArg names a header argument in an error without its value, which may be a secret: "Authorization:…"
// ("…" only where there is a value).
func headerArg(name, sep, value string) string {
	if value == "" {
		return name + sep
	}
	return name + sep + "…"
}

// ValidateHeader checks a header name and value before anything is sent, so that a stray CR or LF can never
// split a request, and so that what net/http would refuse to send (any control character but a tab, RFC
// 9110's field-value) is the user's error, said as such, not a failure of the exchange.
func ValidateHeader(name, value string) error {
	if name == "" {
		return errors.New("header has no name")
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return fmt.Errorf("header name %q contains an invalid character", name)
		}
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\r' || c == '\n' || c == 0 {
			hint := ""
			if c == '\r' && i == len(value)-1 {
				hint = " (a Windows line end? strip it: tr -d '\\r')"
			}
			return fmt.Errorf("header %s: value contains CR, LF or NUL at byte %d of %d%s", name, i+1, len(value), hint)
		}
		if c < ' ' && c != '\t' || c == 0x7f {
			return fmt.Errorf("header %s: value contains a control character (0x%02x) at byte %d of %d", name, c, i+1, len(value))
		}
	}
	return nil
}

func isTokenChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// IsItem reports whether arg is a request item of any kind: a header, a query parameter, a field, a file.
func IsItem(arg string) bool {
	_, err := parseItem(arg)
	return err == nil
}

// IsDataItem reports whether a request item puts data in the body (a field, a raw JSON value, a file),
// as opposed to a header or a query parameter: HTTPie's "hop URL ITEM..." is a POST when one does.
func IsDataItem(arg string) bool {
	it, err := parseItem(arg)
	if err != nil {
		return false
	}
	switch it.Kind {
	case itemHeader, itemEmptyHeader, itemHeaderFile, itemQuery, itemQueryFile:
		return false
	}
	return true
}
