# hop: build, test, demo. Everything a fresh clone needs comes from the Go module proxy.
GO      ?= go
BIN     := bin/hop
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/hop-cli/hop/cmd.Version=$(VERSION)

.PHONY: all build test test-deps demo bench man clean

all: build

# build: a static binary (no cgo): no dynamic loader to run at start-up, and it runs on any Linux. Go's own
# DNS resolver reads /etc/hosts and /etc/resolv.conf, as the cgo one does on a usual system.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# test: format check, vet (for macOS too: the tests build there), a Windows build, and every test with the
# race detector. cmd's tests, which run the binary against real servers and beside curl and HTTPie, take
# 7–10 minutes under -race on a small machine: go test's own 10-minute limit would cut a slow pass short
# with a panic, so the limit is set, and a hang still ends. Some tests compare hop with curl and HTTPie themselves, and encrypt test keys with
# openssl; test-deps installs them from Debian's packages when they are missing.
test: test-deps
	@out=$$(gofmt -l $$(find . -name '*.go' -not -path './.git/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needs to be run on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	GOOS=darwin $(GO) vet ./...   # hop and its tests build on macOS (the tests run on Linux)
	GOOS=openbsd $(GO) vet ./...  # and on OpenBSD, which has neither extended attributes nor Linux's termios
	GOOS=windows $(GO) build -o /dev/null .   # hop builds for Windows too (the tests run on Linux)
	$(GO) test -race -count=1 -timeout 25m ./...

test-deps:
	@missing=""; \
	  command -v curl >/dev/null || missing="$$missing curl"; \
	  command -v openssl >/dev/null || missing="$$missing openssl"; \
	  command -v http >/dev/null || missing="$$missing httpie"; \
	  if [ -n "$$missing" ]; then echo "installing$$missing from Debian's packages (the tests compare hop with curl and HTTPie, and encrypt keys with openssl)"; \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi

# demo: start a local HTTPS httpbin on loopback, run hop against it, stop the server (even on failure).
demo: build
	@$(GO) build -o bin/hop-demo-server ./demo
	@./demo/run.sh bin/hop bin/hop-demo-server

# bench: Go benchmarks (JSON formatting, the terminal escaper, the tracer), then whole-process runs against
# curl on this machine (bench/compare.sh installs hyperfine, GNU time, jq and curl when missing), the
# downloads by protocol, against nginx and with the progress bar (bench/protocols.sh installs nginx), and
# start-up counted in instructions (bench/instructions.sh installs valgrind).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./format ./trace ./cmd
	./bench/compare.sh
	./bench/protocols.sh
	./bench/instructions.sh

# man: hop(1), generated from the command tree, so it lists exactly the commands and flags hop has.
man:
	@mkdir -p bin
	$(GO) run ./tools/man > bin/hop.1
	@echo "wrote bin/hop.1 (read it with: man ./bin/hop.1)"

clean:
	rm -rf bin
