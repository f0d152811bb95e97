package exchange

import (
	"slices"
	"strings"
)

// hopProtocols are the URL schemes hop speaks; curl's --proto lists name others too.
var hopProtocols = []string{"http", "https"}

// ParseProtocols reads a curl --proto or --proto-redir list: comma-separated names (or "all"), each with the
// modifier + (allow it too; the default), - (deny it) or = (allow only it), taken left to right from both of
// hop's schemes allowed. Names of protocols hop does not speak (ftp, file, ...) change nothing, except that
// "=ftp" leaves none. The result is never nil: an empty list allows nothing.
func ParseProtocols(list string) []string {
	allowed := slices.Clone(hopProtocols)
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		mod := byte('+')
		for item != "" && strings.IndexByte("+-=", item[0]) >= 0 {
			mod, item = item[0], item[1:]
		}
		var names []string
		switch name := strings.ToLower(item); {
		case name == "all":
			names = hopProtocols
		case slices.Contains(hopProtocols, name):
			names = []string{name}
		case name == "":
			continue
		}
		switch mod {
		case '=':
			allowed = slices.Clone(names)
		case '+':
			for _, n := range names {
				if !slices.Contains(allowed, n) {
					allowed = append(allowed, n)
				}
			}
		case '-':
			allowed = slices.DeleteFunc(allowed, func(s string) bool { return slices.Contains(names, s) })
		}
	}
	if allowed == nil {
		allowed = []string{}
	}
	slices.Sort(allowed)
	return allowed
}

// protocolAllowed reports whether scheme is in list; a nil list allows hop's own.
func protocolAllowed(list []string, scheme string) bool {
	return list == nil || slices.Contains(list, scheme)
}

// protocolsWord says what a list allows, for an error: "https only", "no protocol hop speaks".
func protocolsWord(list []string) string {
	if len(list) == 0 {
		return "no protocol hop speaks"
	}
	return strings.Join(list, " and ") + " only"
}
