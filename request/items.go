package request

import (
	"errors"
	"fmt"
	"strings"
)

// ItemKind says what a request item contributes to the request.
type ItemKind int

// The request item kinds, named after HTTPie's separators.
const (
	ItemHeader      ItemKind = iota // Name:Value (Name: removes a default header)
	ItemEmptyHeader                 // Name; sends the header with an empty value
	ItemQuery                       // name==value
	ItemField                       // field=value
	ItemFieldFile                   // field=@file
	ItemJSON                        // field:=json
	ItemJSONFile                    // field:=@file.json
	ItemUpload                      // field@path
	ItemBodyFile                    // @path, @- for stdin
)

// Item is one parsed request item.
type Item struct {
	Kind  ItemKind
	Key   string // unescaped name: header name, query key or field path
	Value string // value as typed; a path for the file kinds
	Raw   string // the argument as typed, for error messages

	escKey string // the name as typed, escapes kept, for the nested-field parser
}

// separators in the order they are tried at one position: longest first, so ":=@" wins over ":=" and ":".
var separators = []struct {
	sep  string
	kind ItemKind
}{
	{":=@", ItemJSONFile},
	{"==", ItemQuery},
	{"=@", ItemFieldFile},
	{":=", ItemJSON},
	{"=", ItemField},
	{"@", ItemUpload},
	{":", ItemHeader},
}

// ParseItem splits a request item at its first unescaped separator. A backslash makes the next character
// literal, so `a\=b=c` is the field "a=b" with value "c".
func ParseItem(arg string) (Item, error) {
	for i := 0; i < len(arg); i++ {
		if arg[i] == '\\' {
			i++
			continue
		}
		for _, s := range separators {
			if !strings.HasPrefix(arg[i:], s.sep) {
				continue
			}
			it := Item{Kind: s.kind, Key: unescapeKey(arg[:i]), Value: arg[i+len(s.sep):], Raw: arg, escKey: arg[:i]}
			if it.Kind == ItemUpload && it.Key == "" {
				it.Kind = ItemBodyFile
			}
			return it, it.validate()
		}
	}
	if strings.HasSuffix(arg, ";") && len(arg) > 1 {
		it := Item{Kind: ItemEmptyHeader, Key: unescapeKey(arg[:len(arg)-1]), Raw: arg}
		return it, it.validate()
	}
	return Item{}, usageErrorf(arg, "not a request item; expected Name:Value, name==value, field=value, field:=json, field@file or @file")
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

func (it Item) validate() error {
	switch it.Kind {
	case ItemHeader, ItemEmptyHeader:
		if err := ValidateHeader(it.Key, it.Value); err != nil {
			return &UsageError{Arg: it.Raw, Err: err}
		}
	case ItemQuery:
		if it.Key == "" {
			return usageErrorf(it.Raw, "query parameter has no name")
		}
	case ItemField, ItemFieldFile, ItemJSON, ItemJSONFile, ItemUpload:
		if it.Key == "" {
			return usageErrorf(it.Raw, "field has no name (a top-level array is written []=value)")
		}
		if (it.Kind == ItemFieldFile || it.Kind == ItemJSONFile || it.Kind == ItemUpload) && it.Value == "" {
			return usageErrorf(it.Raw, "no file name after the separator")
		}
	case ItemBodyFile:
		if it.Value == "" {
			return usageErrorf(it.Raw, "no file name after @")
		}
	}
	return nil
}

// ValidateHeader checks a header name and value before anything is sent, so that a stray CR or LF can never
// split a request.
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
