package cmd_test

import "golang.org/x/sys/unix"

// readTermios is the ioctl that reads a terminal's settings, as golang.org/x/term names it per system.
const readTermios = unix.TCGETS
