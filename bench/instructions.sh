#!/usr/bin/env bash
# Start-up in instructions: what hop executes in user space for `version` and a small GET (http, https),
# against the floor (bench/floor, a bare net/http client), the floor with HTTP/3 linked as hop links it, and
# hop with zstd's package initialisation made lazy (a patched copy of github.com/klauspost/compress through a
# temporary go.mod, never shipped). Unlike wall-clock time, instruction counts do not depend on how busy the
# machine is or what a page fault costs on it that day. Each count is the least of RUNS callgrind runs (the
# runtime's background work varies a little). Installs valgrind from Debian's packages when it is missing.
#
#   bench/instructions.sh          # a Markdown table; docs/BENCHMARKS.md holds the last one
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
# A CA bundle an environment variable names is read by hop (as curl and HTTPie read it): the rows run
# without one, and one row with the system's whole bundle named, as CI images name it, which a plain
# http:// run must not pay for (hop parses it only for a handshake).
unset CURL_CA_BUNDLE REQUESTS_CA_BUNDLE
bundle=/etc/ssl/certs/ca-certificates.crt

if ! command -v valgrind >/dev/null; then
  echo "installing valgrind from Debian's packages" >&2
  apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi

dir=$(mktemp -d)
make -s build
build() { CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' "$@"; }
build -o "$dir/floor" ./bench/floor
build -tags h3 -o "$dir/floor-h3" ./bench/floor

# hop with the two eager Castagnoli tables of klauspost/compress (zstd/snappy.go, internal/snapref) built
# on first use instead, as two lines upstream would do.
kc=$(go list -m -f '{{.Dir}}' github.com/klauspost/compress)
cp -r "$kc" "$dir/kc" && chmod -R u+w "$dir/kc"
for f in zstd/snappy.go internal/snapref/snappy.go; do
  sed -i -e 's/^var crcTable = crc32.MakeTable(crc32.Castagnoli)$//' \
    -e 's/crc32.Update(0, crcTable, b)/crc32.Update(0, crc32.MakeTable(crc32.Castagnoli), b)/' "$dir/kc/$f"
  grep -q 'crc32.MakeTable(crc32.Castagnoli), b)' "$dir/kc/$f" || { echo "patch did not apply to $f" >&2; exit 1; }
done
cp go.mod "$dir/lazy.mod" && cp go.sum "$dir/lazy.sum"
echo "replace github.com/klauspost/compress => $dir/kc" >>"$dir/lazy.mod"
build -modfile "$dir/lazy.mod" -o "$dir/hop-lazy" .

go build -o bin/hop-demo-server ./demo
bin/hop-demo-server -dir "$dir" -http1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
trap 'exit 1' TERM
for _ in $(seq 200); do [ -s "$dir/tls.url" ] && break; sleep 0.05; done
P=$(cat "$dir/plain.url") T=$(cat "$dir/tls.url") CA="$dir/ca.pem"

# count CMD...: the least instruction count of RUNS callgrind runs, in millions. Go's runtime does not
# always survive valgrind's signal handling (a crash now and then, even with asynchronous preemption off):
# a run that fails is tried again, up to five times, and a command that never succeeds stops the script.
count() {
  local best="" n i try
  for i in $(seq "$RUNS"); do
    n=""
    for try in 1 2 3 4 5; do
      if GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --log-file="$dir/vg.log" "$@" >/dev/null 2>"$dir/err"; then
        n=$(awk '/refs:/ { gsub(",", "", $NF); print $NF }' "$dir/vg.log")
        break
      fi
    done
    if [ -z "$n" ]; then
      echo "failed under valgrind five times: $*" >&2
      tail -3 "$dir/err" >&2
      kill $$
    fi
    if [ -z "$best" ] || [ "$n" -lt "$best" ]; then best=$n; fi
  done
  awk -v n="$best" 'BEGIN { printf "%.2f M", n / 1e6 }'
}

echo "| binary | \`version\` | GET 400 B, http | GET 400 B, https |"
echo "|---|---|---|---|"
for b in floor floor-h3 hop hop-lazy hop-bundle; do
  case $b in
  floor) label="floor (bare net/http)" bin=$dir/floor ;;
  floor-h3) label="floor, HTTP/3 linked" bin=$dir/floor-h3 ;;
  hop) label="hop (make build)" bin=$PWD/bin/hop ;;
  hop-lazy) label="hop, zstd's CRC tables lazy (patch, not shipped)" bin=$dir/hop-lazy ;;
  hop-bundle) label="hop, CURL_CA_BUNDLE=$bundle" bin=$PWD/bin/hop ;;
  esac
  if [ "${b#floor}" != "$b" ]; then
    get=("$bin" "$P/data/json-400") gets=("$bin" "$T/data/json-400" "$CA")
  else
    get=("$bin" get "$P/data/json-400") gets=("$bin" get "$T/data/json-400" --cacert "$CA")
  fi
  if [ "$b" = hop-bundle ]; then
    [ -s "$bundle" ] || continue
    # --cacert wins over the variable: the https GET would measure the row above again.
    echo "| $label | $(CURL_CA_BUNDLE=$bundle count "$bin" version) | $(CURL_CA_BUNDLE=$bundle count "${get[@]}") | — |"
    continue
  fi
  echo "| $label | $(count "$bin" version) | $(count "${get[@]}") | $(count "${gets[@]}") |"
done
echo
echo "Machine: $(nproc) cores, $(uname -sr); $(go version | cut -d' ' -f3); $(valgrind --version); least of $RUNS runs each."
