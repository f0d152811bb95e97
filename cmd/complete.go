package cmd

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hop-cli/hop/transport"
)

// Shell completion beyond command and flag names: the values of flags that take one of a fixed set, file
// names for flags that take a file, and file names after the @ of a request item.

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
}

// fileFlags are the flags that take a file name.
var fileFlags = []string{"output", "cacert", "capath", "cert", "key", "har", "upload-file", "netrc-file", "dump-header", "trace-ascii", "trace-hex", "trace-verbose",
	"etag-compare", "etag-save", "proxy-cacert", "cookie-jar", "alt-svc", "hsts", "stderr", "crlfile", "proxy-cert", "proxy-key",
	"proxy-capath", "proxy-crlfile"}

// registerCompletions adds completions for the flags cc has and, for a request command, its items.
func registerCompletions(cc *cobra.Command, formats []string) {
	for name, values := range fixedValues {
		if cc.Flags().Lookup(name) != nil {
			cc.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	cc.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	if cc.Flags().Lookup("starttls") != nil {
		var names []string
		for _, p := range transport.StartTLSProtocols {
			names = append(names, p.Name)
		}
		cc.RegisterFlagCompletionFunc("starttls", cobra.FixedCompletions(names, cobra.ShellCompDirectiveNoFileComp))
	}
	if cc.Flags().Lookup("ciphers") != nil {
		cc.RegisterFlagCompletionFunc("ciphers", completeCiphers)
	}
	for _, name := range fileFlags {
		if cc.Flags().Lookup(name) != nil {
			cc.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return nil, cobra.ShellCompDirectiveDefault
			})
		}
	}
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
	at := strings.LastIndexByte(toComplete, '@')
	if len(args) == 0 || at < 0 {
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
