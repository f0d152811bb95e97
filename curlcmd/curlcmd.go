// Package curlcmd translates between hop and curl command lines: Command writes the curl command that sends
// the request hop built (--curl), and Translate turns a pasted curl command into hop's arguments (hop curl).
// Nothing here prints or sends.
package curlcmd
