package cmd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hop-cli/hop/transport"
)

// Shell completion beyond command and flag names: the values of flags that take one of a fixed set, file
// names for flags that take a file, directories for those that take one, file names after the @ of a
// request item or of a flag's @FILE, and nothing for the rest (a duration, a number, a host), where the
// shell would otherwise offer the files of the directory.

// fixedValues are the flags whose values are a fixed set.
var fixedValues = map[string][]string{
	"pretty":           {"all", "format", "colors", "none", "auto"},
	"color":            {"auto", "always", "never"},
	"tls-min":          {"1.2", "1.3", "1.0", "1.1"},
	"tls-max":          {"1.3", "1.2", "1.1", "1.0"},
	"default-scheme":   {"https", "http"},
	"response-charset": {"utf-8", "latin1"},
	"format-options":   {"json.indent:4", "json.indent:2", "json.sort_keys:true", "json.sort_keys:false", "json.format:false"},
	"curves":           {"X25519", "X25519MLKEM768", "P-256", "P-384", "P-521", "SecP256r1MLKEM768", "SecP384r1MLKEM1024"},
	"auth-type":        {"basic", "digest", "any", "bearer"},
	"proxy-auth-type":  {"basic", "digest", "any"},
	"ech":              {"true", "hard", "false", "ecl:"},
	"request":          {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"},
}

// fileFlags are the flags that take a file name (or a directory's), which must not be empty nor one of
// the command's flags (checkFileNames, noFlagAsValue).
var fileFlags = []string{"output", "cacert", "capath", "cert", "key", "har", "upload-file", "netrc-file", "dump-header", "trace-ascii", "trace-hex", "trace-verbose",
	"etag-compare", "etag-save", "proxy-cacert", "cookie-jar", "alt-svc", "hsts", "stderr", "crlfile", "proxy-cert", "proxy-key",
	"proxy-capath", "proxy-crlfile", "ssl-sessions"}

// dirFlags are the flags that take a directory: directories are offered.
var dirFlags = []string{"capath", "proxy-capath", "output-dir"}

// wordOrFileFlags take a word or a file name (-b's cookies or jar, --session's NAME or PATH.json, -z's date
// or file, a socket): file names are offered.
var wordOrFileFlags = []string{"cookie", "session", "session-read-only", "time-cond", "unix-socket"}

// atFileFlags take a value, or a file after an @ (-F's name=@FILE and name=<FILE, --data-urlencode's
// name@FILE too): file names are offered after it.
var atFileFlags = []string{"header", "data", "data-binary", "data-urlencode", "json", "form-part", "url-query", "write-out",
	"auth", "user", "bearer", "pass", "proxy-user", "proxy-pass", "proxy-header"}

// registerCompletions adds completions for the flags cc has and, for a request command, its items.
func registerCompletions(cc *cobra.Command, formats []string) {
	// A flag gets the first completion registered for it: capath's directories, not fileFlags' files.
	register := func(names []string, f cobra.CompletionFunc) {
		for _, name := range names {
			if _, done := cc.GetFlagCompletionFunc(name); !done && cc.Flags().Lookup(name) != nil {
				cc.RegisterFlagCompletionFunc(name, f)
			}
		}
	}
	for name, values := range fixedValues {
		register([]string{name}, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
	register([]string{"format"}, cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	var protocols []string
	for _, p := range transport.StartTLSProtocols {
		protocols = append(protocols, p.Name)
	}
	register([]string{"starttls"}, cobra.FixedCompletions(protocols, cobra.ShellCompDirectiveNoFileComp))
	register([]string{"ciphers"}, completeCiphers)
	register([]string{"print", "history-print"}, completeParts)
	register(dirFlags, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	register(slices.Concat(fileFlags, wordOrFileFlags), func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveDefault
	})
	register(atFileFlags, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return filesAfterAt(toComplete, "@<")
	})
	// Every other flag that takes a value takes no file: offer none.
	cc.Flags().VisitAll(func(f *pflag.Flag) {
		if _, ok := cc.GetFlagCompletionFunc(f.Name); !ok && f.NoOptDefVal == "" && f.Value.Type() != "bool" {
			cc.RegisterFlagCompletionFunc(f.Name, cobra.NoFileCompletions)
		}
	})
}

// completeCurlValue completes the value of hop curl's option name (curlcmd.ValueOption) as hop's flag of
// that name completes it, on a command of its own built for the question; file names for the curl options
// hop has no such flag for (--config, --trace).
func completeCurlValue(name, toComplete string) ([]string, cobra.ShellCompDirective) {
	cc := &cobra.Command{Use: "curl"}
	addRequestFlagGroups(cc.Flags(), &RequestOptions{}, &Streams{})
	registerCompletions(cc, []string{"text", "json"})
	if complete, ok := cc.GetFlagCompletionFunc(name); ok {
		return complete(cc, nil, toComplete)
	}
	return nil, cobra.ShellCompDirectiveDefault
}

// completeParts completes -p's and -P's letters: what is typed, and each letter it lacks added.
func completeParts(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	if toComplete != "" {
		out = append(out, toComplete)
	}
	for _, c := range "HBhbts" {
		if !strings.ContainsRune(toComplete, c) {
			out = append(out, toComplete+string(c))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeCiphers completes the last suite of a --ciphers list (A:B:…) by OpenSSL's names.
func completeCiphers(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	head := toComplete[:strings.LastIndexAny(toComplete, ":,")+1]
	var out []string
	for _, name := range transport.CipherNames() {
		out = append(out, head+name)
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeItem completes a request item: file names after an @ (@body.json, photo@cat.jpg, x=@a.txt,
// x:=@a.json); nothing else can be guessed.
func completeItem(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return filesAfterAt(toComplete, "@")
}

// filesAfterAt completes the file name after the last of marks in toComplete, keeping what comes before;
// nothing when there is no mark.
func filesAfterAt(toComplete, marks string) ([]string, cobra.ShellCompDirective) {
	at := strings.LastIndexAny(toComplete, marks)
	if at < 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	prefix, partial := toComplete[:at+1], toComplete[at+1:]
	dir, base := filepath.Split(partial)
	entries, err := os.ReadDir(cmpDir(dir))
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		if e.IsDir() {
			name += "/"
		}
		out = append(out, prefix+dir+name)
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

func cmpDir(dir string) string {
	if dir == "" {
		return "."
	}
	return dir
}

// completionArgs is hoist for the words a shell asks completions for: after cobra's __complete, the command
// line typed so far, its last word the one being typed. Flags typed before the command name ("hop --timeout
// <TAB>", "hop -v URL -X <TAB>") complete as they do after it; where the word being typed is the command
// name itself, the flags before it are left out, as they do not change which names it can be.
func completionArgs(args []string, flags func() *pflag.FlagSet) []string {
	if len(args) < 2 || args[0] != cobra.ShellCompRequestCmd && args[0] != cobra.ShellCompNoDescRequestCmd {
		return args
	}
	words := args[1:]
	if first := commandWord(words, flags); first == len(words)-1 {
		return []string{args[0], words[first]}
	}
	return slices.Concat(args[:1], hoist(words, flags))
}
