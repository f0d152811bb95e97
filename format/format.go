// Package format renders everything hop shows: status lines, headers, bodies, timings, certificates, the JSON
// document and HAR, from one list of hops. Its functions are pure functions of (writer, style, data); it is
// the only package that knows how colour is painted (whether to paint is the caller's Style). Server-
// controlled text never reaches a terminal unescaped: metadata always goes through Escape, bodies on a
// terminal through an escaper.
package format

import "github.com/fatih/color"

// Style says how to paint one output stream: whether in colour, and how wide it is. The zero Style is
// plain text in lines of any length.
type Style struct {
	Color bool
	Width int // the terminal's columns: long lines break between fields to fit; 0 means never break
	// Secrets: credentials in headers and URLs are masked unless Show.
	Secrets Secrets
}

func newColor(attrs ...color.Attribute) *color.Color {
	c := color.New(attrs...)
	c.EnableColor() // whether to paint is Style's decision, not the library's global one
	return c
}

var (
	colorSuccess  = newColor(color.FgGreen, color.Bold)
	colorRedirect = newColor(color.FgCyan, color.Bold)
	colorClient   = newColor(color.FgYellow, color.Bold)
	colorServer   = newColor(color.FgRed, color.Bold)
	colorName     = newColor(color.FgCyan)
	colorDim      = newColor(color.Faint)
	colorError    = newColor(color.FgRed, color.Bold)
	colorWarn     = newColor(color.FgYellow, color.Bold)
	colorMethod   = newColor(color.FgMagenta, color.Bold)
)

func (s Style) paint(c *color.Color, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return c.Sprint(text)
}
