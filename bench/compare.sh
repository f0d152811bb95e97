#!/usr/bin/env bash
# Whole-process comparison of hop with curl, and with a floor (bench/floor: a bare net/http GET built the
# way hop is), on this machine, against a local server (plain HTTP, and HTTPS offering HTTP/1.1 only). hop and
# the other client run alternately (ROUNDS rounds of RUNS runs each, after warm-up runs);
# the table gives medians over all runs, the hop/curl ratio, the ratio of the CPU time each used (user +
# system, children included, mean over all runs) and hop's peak memory (GNU time's maximum resident size).
# Installs hyperfine, GNU time, jq and curl from Debian's packages when they are missing.
#
#   bench/compare.sh            # every scenario, as a Markdown table; docs/BENCHMARKS.md holds the last one
#   ROUNDS=3 RUNS=5 bench/compare.sh startup get-https   # only these scenarios
#
# Scenarios: startup get-http get-https get-https-store gib-http gib-https glob-http json, and against the floor
# floor-startup floor-get-http floor-get-https floor-h3-startup floor-h3-get-http repeat repeat-memory.
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-6}
ARRAY_N=${ARRAY_N:-560000} # about 50 MB of JSON

missing=()
for tool in hyperfine jq curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian's packages" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

make -s build # the binary users build, static
CGO_ENABLED=0 go build -trimpath -ldflags '-s -w' -o bin/hop-floor ./bench/floor # built the same way
CGO_ENABLED=0 go build -tags h3 -trimpath -ldflags '-s -w' -o bin/hop-floor-h3 ./bench/floor # + HTTP/3 linked
go build -o bin/hop-demo-server ./demo
dir=$(mktemp -d)
# The server gets CPU 0 to itself, so that where the scheduler happens to put it is not part of what is
# measured. The downloads, where server and client each keep a CPU busy, run the client on CPU 1, as if on
# two machines: otherwise a client thread that lands on CPU 0 slows the server, and with it the client.
# The other scenarios leave the clients where the scheduler puts them.
pin=() client=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then pin=(taskset -c 0) client="taskset -c 1 "; fi
"${pin[@]}" bin/hop-demo-server -dir "$dir" -http1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 200); do [ -s "$dir/tls.url" ] && break; sleep 0.05; done
P=$(cat "$dir/plain.url") T=$(cat "$dir/tls.url") CA="$dir/ca.pem" OUT="$dir/out"
hop=$PWD/bin/hop

# median FILE...: the median of every run's time (seconds) in hyperfine JSON exports.
median() { jq -s '[.[].results[0].times[]] | sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end' "$@"; }

# cpu FILE...: the mean CPU time (user + system, seconds) of the runs in hyperfine JSON exports.
cpu() { jq -s '[.[].results[0] | .user + .system] | add / length' "$@"; }

# quiet: hyperfine's stderr without its outlier warnings, which a shared machine triggers on every round
# (the medians over alternating rounds are there to absorb them).
quiet() { grep -v -e 'Statistical outliers' -e '^ *$' >&2 || true; }

# measure NAME SHELL HOP_CMD CURL_CMD: alternate rounds of hop and curl; sets hop_s and curl_s (medians) and
# cpu_ratio (hop's CPU time over curl's).
measure() {
  local name=$1 shell=$2 hc=$3 cc=$4 r
  local args=(--warmup 2 --runs "$RUNS" --style none)
  if [ "$shell" = none ]; then args+=(-N --output=pipe); fi
  for r in $(seq "$ROUNDS"); do
    hyperfine "${args[@]}" --export-json "$dir/$name.hop.$r.json" "$hc" >/dev/null 2> >(quiet)
    hyperfine "${args[@]}" --export-json "$dir/$name.curl.$r.json" "$cc" >/dev/null 2> >(quiet)
  done
  hop_s=$(median "$dir/$name".hop.*.json)
  curl_s=$(median "$dir/$name".curl.*.json)
  cpu_ratio=$(ratio "$(cpu "$dir/$name".hop.*.json)" "$(cpu "$dir/$name".curl.*.json)")
}

# peak CMD: hop's largest maximum resident size over three runs, in MiB.
peak() {
  local max=0 kb i
  for i in 1 2 3; do
    /usr/bin/time -f '%M' -o "$dir/rss" sh -c "$1" >/dev/null 2>&1
    kb=$(tail -1 "$dir/rss")
    [ "$kb" -gt "$max" ] && max=$kb
  done
  awk -v k="$max" 'BEGIN { printf "%.1f MiB", k / 1024 }'
}

# peak1 CMD: hop's maximum resident size over one run, in MiB.
peak1() {
  /usr/bin/time -f '%M' -o "$dir/rss" sh -c "$1" >/dev/null 2>&1
  awk -v k="$(tail -1 "$dir/rss")" 'BEGIN { printf "%.1f MiB", k / 1024 }'
}

ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
rate() { awk -v s="$1" 'BEGIN { printf "%.2f GB/s", 1.073741824 / s }'; }

want() { [ ${#scenarios[@]} -eq 0 ] || [[ " ${scenarios[*]} " == *" $1 "* ]]; }
scenarios=("$@")

# row NAME LABEL BUDGET time|rate SHELL HOP_CMD CURL_CMD: measures one scenario, if it was asked for, and
# prints its row; a rate row gives throughput for 1 GiB and the ratio curl/hop.
row() {
  local name=$1 label=$2 budget=$3 kind=$4 shell=$5 hc=$6 cc=$7 cols
  want "$name" || return 0
  measure "$name" "$shell" "$hc" "$cc"
  if [ "$kind" = rate ]; then
    cols="$(rate "$hop_s") | $(rate "$curl_s") | $(ratio "$curl_s" "$hop_s") of curl's throughput"
  else
    cols="$(ms "$hop_s") | $(ms "$curl_s") | $(ratio "$hop_s" "$curl_s")"
  fi
  echo "| $label | $cols | $budget | $cpu_ratio | $(peak "$hc") |"
}

echo "| scenario | hop | curl | hop/curl | budget | CPU time hop/curl | hop peak memory |"
echo "|---|---|---|---|---|---|---|"

row startup "start-up: \`hop version\` vs \`curl --version\`" "≤ 0.30×" time none \
  "$hop version" "curl --version"
row get-http "GET 400 B JSON, piped, http" "≤ 0.55×" time none \
  "$hop get $P/data/json-400" "curl -s $P/data/json-400"
row get-https "GET 400 B JSON, piped, https (HTTP/1.1)" "≤ 0.50×" time none \
  "$hop get $T/data/json-400 --cacert $CA" "curl -s --cacert $CA $T/data/json-400"

# Not one of the issue's scenarios: https trusting a full store, the system's bundle plus the demo CA, as a
# user's request to a public server does (hop through SSL_CERT_FILE, so Go also reads /etc/ssl/certs).
cat /etc/ssl/certs/ca-certificates.crt "$CA" >"$dir/store.pem"
row get-https-store "GET 400 B JSON, piped, https, system trust store" none time none \
  "env SSL_CERT_FILE=$dir/store.pem $hop get $T/data/json-400" "curl -s --cacert $dir/store.pem $T/data/json-400"

GIB=1073741824
row gib-http "1 GiB to /dev/null, http" "≥ 1.00×, ≤ 16 MiB" rate none \
  "$client$hop get $P/misbehave/zeros/$GIB -o /dev/null" "${client}curl -s -o /dev/null $P/misbehave/zeros/$GIB"
row gib-https "1 GiB to /dev/null, https (HTTP/1.1)" "≥ 1.00×, ≤ 16 MiB" rate none \
  "$client$hop get $T/misbehave/zeros/$GIB -o /dev/null --cacert $CA" "${client}curl -s -o /dev/null --cacert $CA $T/misbehave/zeros/$GIB"

# hop curl's globs: 1000 small GETs on one kept-alive connection, each body to stdout, as curl sends them.
row glob-http "\`hop curl\` glob of 1000 GETs of 400 B, piped, http" none time none \
  "$hop curl -s $P/data/json-400?n=[1-1000]" "curl -s $P/data/json-400?n=[1-1000]"

if want json; then
  size=$(curl -s "$P/data/json-array/$ARRAY_N" | wc -c) # also builds the array once, outside the measurements
  row json "$((size / 1000000)) MB JSON array, pretty + colour into a file (vs \`curl \| jq -C .\`)" "≤ 0.20×, ≤ 64 MiB" time sh \
    "$hop get $P/data/json-array/$ARRAY_N --pretty=all > $OUT.hop" "curl -s $P/data/json-array/$ARRAY_N | jq -C . > $OUT.jq"
fi

# The floor: what any Go HTTP client pays (runtime start-up, net/http, a connection). hop's own work is what
# it adds on top.
floor=$PWD/bin/hop-floor floor_h3=$PWD/bin/hop-floor-h3
if want floor-startup || want floor-get-http || want floor-get-https || want floor-h3-startup || want floor-h3-get-http || want repeat; then
  echo
  echo "| scenario | hop | floor | hop/floor | target | CPU time hop/floor | hop peak memory |"
  echo "|---|---|---|---|---|---|---|"
fi
row floor-startup "start-up: \`hop version\` vs \`floor version\`" "faster than before" time none \
  "$hop version" "$floor version"
row floor-get-http "GET 400 B JSON, piped, http" "≤ 1.10×" time none \
  "$hop get $P/data/json-400" "$floor $P/data/json-400"
row floor-get-https "GET 400 B JSON, piped, https (HTTP/1.1)" "≤ 1.10×" time none \
  "$hop get $T/data/json-400 --cacert $CA" "$floor $T/data/json-400 $CA"
# The same floor with HTTP/3 (quic-go) linked, as hop links it, though these runs never use it: how much of
# the distance to the floor is carrying that protocol stack at all.
row floor-h3-startup "start-up: \`hop version\` vs the floor linking HTTP/3" none time none \
  "$hop version" "$floor_h3 version"
row floor-h3-get-http "GET 400 B JSON, piped, http, vs the floor linking HTTP/3" none time none \
  "$hop get $P/data/json-400" "$floor_h3 $P/data/json-400"
row repeat "\`--repeat 2000\` vs 2000 kept-alive GETs in one process" "≤ 1.30×" time none \
  "$hop get $P/data/json-400 --repeat 2000 -q" "$floor -n 2000 $P/data/json-400"

# --repeat keeps its memory flat: the peak after 100,000 runs (one run of it; it takes a while).
if want repeat-memory; then
  echo
  echo "\`hop get --repeat 100000\`: peak memory $(peak1 "$hop get $P/data/json-400 --repeat 100000 -q") (target < 32 MiB)"
fi

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); $(go version | cut -d' ' -f3); $(curl --version | head -1 | cut -d' ' -f1-2); $(jq --version); hyperfine $(hyperfine --version | cut -d' ' -f2); $ROUNDS rounds × $RUNS runs each, alternating."
