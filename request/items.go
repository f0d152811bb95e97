package request

import (
	"errors"
	"fmt"
	"strings"
)

// itemKind says what a request item contributes to the request.
type itemKind int

// The request item kinds, named after HTTPie's separators.
const (
	itemHeader      itemKind = iota // Name:Value (Name: removes a default header)
	itemEmptyHeader                 // Name; sends the header with an empty value
	itemQuery                       // name==value
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
	Key   string // unescaped name: header name, query key or field path
	Value string // value as typed; a path for the file kinds
	Raw   string // the argument as typed, for error messages

	escKey string // the name as typed, escapes kept, for the nested-field parser
}

// separators in the order they are tried at one position: longest first, so ":=@" wins over ":=" and ":".
var separators = []struct {
	sep  string
	kind itemKind
}{
	{":=@", itemJSONFile},
	{"==", itemQuery},
	{"=@", itemFieldFile},
	{":=", itemJSON},
	{"=", itemField},
	{"@", itemUpload},
	{":", itemHeader},
}

// parseItem splits a request item at its first unescaped separator. A backslash makes the next character
// literal, so `a\=b=c` is the field "a=b" with value "c".
func parseItem(arg string) (item, error) {
	for i := 0; i < len(arg); i++ {
		if arg[i] == '\\' {
			i++
			continue
		}
		for _, s := range separators {
			if !strings.HasPrefix(arg[i:], s.sep) {
				continue
			}
			it := item{Kind: s.kind, Key: unescapeKey(arg[:i]), Value: arg[i+len(s.sep):], Raw: arg, escKey: arg[:i]}
			if it.Kind == itemUpload && it.Key == "" {
				it.Kind = itemBodyFile
			}
			return it, it.validate()
		}
	}
	if strings.HasSuffix(arg, ";") && len(arg) > 1 {
		it := item{Kind: itemEmptyHeader, Key: unescapeKey(arg[:len(arg)-1]), Raw: arg}
		return it, it.validate()
	}
	return item{}, usageErrorf(arg, "not a request item; expected Name:Value, name==value, field=value, field:=json, field@file or @file")
}

func unescapeKey(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`=:@;\[]`, s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (it item) validate() error {
	switch it.Kind {
	case itemHeader, itemEmptyHeader:
		if err := validateHeader(it.Key, it.Value); err != nil {
			return &UsageError{Arg: it.Raw, Err: err}
		}
	case itemQuery:
		if it.Key == "" {
			return usageErrorf(it.Raw, "query parameter has no name")
		}
	case itemField, itemFieldFile, itemJSON, itemJSONFile, itemUpload:
		if it.Key == "" {
			return usageErrorf(it.Raw, "field has no name (a top-level array is written []=value)")
		}
		if (it.Kind == itemFieldFile || it.Kind == itemJSONFile || it.Kind == itemUpload) && it.Value == "" {
			return usageErrorf(it.Raw, "no file name after the separator")
		}
	case itemBodyFile:
		if it.Value == "" {
			return usageErrorf(it.Raw, "no file name after @")
		}
	}
	return nil
}

// validateHeader checks a header name and value before anything is sent, so that a stray CR or LF can never
// split a request.
func validateHeader(name, value string) error {
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
			return fmt.Errorf("header %s: value contains CR, LF or NUL", name)
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
