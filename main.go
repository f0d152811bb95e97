// Command hop is an HTTP client for the terminal: it sends requests, shows where the time went and explains the
// TLS certificates it meets.
package main

import (
	"os"

	"github.com/hop-cli/hop/cmd"
)

func main() { os.Exit(cmd.Main()) }
