#!/usr/bin/env bash
# Timing accuracy: hop's phases against curl's -w variables, on the same machine and server.
# Starts a local HTTPS server whose first byte comes 200 ms after the request, runs hop and curl alternately
# (RUNS times each, HTTP/1.1 for both), and prints the medians side by side:
#   server: hop timings_ms.server   vs curl time_starttransfer - time_pretransfer
#   tls:    hop timings_ms.tls      vs curl time_appconnect - time_connect
# Not a CI test: numbers depend on the machine. Installs curl and jq from Debian's packages when missing.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
for tool in curl jq; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done
go build -o bin/hop . && go build -o bin/hop-demo-server ./demo
dir=$(mktemp -d)
bin/hop-demo-server -dir "$dir" -http1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -s "$dir/tls.url" ] && break; sleep 0.05; done
url="$(cat "$dir/tls.url")/misbehave/delay-first-byte/200"

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }
: >"$dir/hop.server"; : >"$dir/hop.tls"; : >"$dir/curl.server"; : >"$dir/curl.tls"
for i in $(seq "$RUNS"); do
  bin/hop get "$url" --cacert "$dir/ca.pem" --http1.1 --format json >"$dir/doc.json"
  jq -r '.timings_ms.server' "$dir/doc.json" >>"$dir/hop.server"
  jq -r '.timings_ms.tls' "$dir/doc.json" >>"$dir/hop.tls"
  curl -s -o /dev/null --http1.1 --cacert "$dir/ca.pem" \
    -w '%{time_connect} %{time_appconnect} %{time_pretransfer} %{time_starttransfer}\n' "$url" |
    awk -v s="$dir/curl.server" -v t="$dir/curl.tls" \
      '{printf "%.3f\n", ($4-$3)*1000 >> s; printf "%.3f\n", ($2-$1)*1000 >> t}'
done
hs=$(median <"$dir/hop.server"); cs=$(median <"$dir/curl.server")
ht=$(median <"$dir/hop.tls"); ct=$(median <"$dir/curl.tls")
printf '%-8s %10s %10s %10s\n' phase "hop (ms)" "curl (ms)" "diff (ms)"
printf '%-8s %10s %10s %10.2f\n' server "$hs" "$cs" "$(awk "BEGIN{print $hs-$cs}")"
printf '%-8s %10s %10s %10.2f\n' tls "$ht" "$ct" "$(awk "BEGIN{print $ht-$ct}")"
echo "($RUNS runs each, alternating; $(nproc) cores; $(go version | cut -d' ' -f3); $(curl --version | head -1 | cut -d' ' -f1-2))"
