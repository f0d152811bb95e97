#!/usr/bin/env bash
# Downloads by protocol and against a C server, as issue 12 asks, on this machine:
#   - 1 GiB to /dev/null over HTTP/1.1 (TLS), HTTP/2 and HTTP/3 from hop's own Go server: throughput and
#     hop's peak memory (curl here has no HTTP/3, so these are hop's numbers side by side);
#   - 1 GiB over HTTPS with HTTP/2 from nginx (a C server, so that the server is not the bottleneck): hop
#     against curl, time and peak memory;
#   - -o of 1 GiB to a file on a pseudo-terminal, with the progress bar and without it (-q): the bar's cost.
# Installs nginx, hyperfine, GNU time, jq, curl and util-linux's script from Debian's packages when missing.
#
#   bench/protocols.sh                 # every table, in Markdown; docs/BENCHMARKS.md holds the last one
#   ROUNDS=2 RUNS=3 bench/protocols.sh
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
RUNS=${RUNS:-3}

missing=()
for tool in hyperfine jq curl nginx script; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  pkgs=("${missing[@]/nginx/nginx-light}")
  pkgs=("${pkgs[@]/script/util-linux}")
  echo "installing ${pkgs[*]} from Debian's packages" >&2
  apt-get update -qq && apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi

make -s build
go build -o bin/hop-demo-server ./demo
dir=$(mktemp -d)
pin=() client=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then pin=(taskset -c 0) client="taskset -c 1 "; fi
"${pin[@]}" bin/hop-demo-server -dir "$dir" -h3 &
demo=$!
ngx=""
trap 'kill $demo $ngx 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 200); do [ -s "$dir/tls.url" ] && break; sleep 0.05; done
T=$(cat "$dir/tls.url") H2=$(cat "$dir/h2.url") H3=$(cat "$dir/h3.url") CA="$dir/ca.pem"
hop=$PWD/bin/hop
GIB=1073741824

# nginx on loopback, HTTP/2 over TLS with the demo server's certificate, serving a sparse 1 GiB file.
mkdir -p "$dir/www" "$dir/ngx"
truncate -s 1G "$dir/www/gib"
cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $dir/ngx/error.log;
pid $dir/ngx/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $dir/ngx; proxy_temp_path $dir/ngx; fastcgi_temp_path $dir/ngx;
  uwsgi_temp_path $dir/ngx; scgi_temp_path $dir/ngx;
  server {
    listen 127.0.0.1:18443 ssl http2;
    ssl_certificate $dir/chain.pem;
    ssl_certificate_key $dir/key.pem;
    root $dir/www;
  }
}
EOF
"${pin[@]}" nginx -c "$dir/nginx.conf" &
ngx=$!
for _ in $(seq 100); do curl -s -o /dev/null --cacert "$CA" https://127.0.0.1:18443/ 2>/dev/null && break; sleep 0.05; done
NGX=https://127.0.0.1:18443
cat "$dir/www/gib" >/dev/null # into the page cache, outside the measurements

median() { jq -s '[.[].results[0].times[]] | sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end' "$@"; }
quiet() { grep -v -e 'Statistical outliers' -e '^ *$' >&2 || true; }
# run NAME CMD [PREPARE]: ROUNDS × RUNS runs of CMD (PREPARE before each); sets s (the median, seconds).
run() {
  local r prep=()
  [ -n "${3:-}" ] && prep=(--prepare "$3")
  for r in $(seq "$ROUNDS"); do
    hyperfine -N --output=pipe --warmup 1 --runs "$RUNS" --style none "${prep[@]}" --export-json "$dir/$1.$r.json" "$2" >/dev/null 2> >(quiet)
  done
  s=$(median "$dir/$1".*.json)
}
peak() {
  local max=0 kb i
  for i in 1 2 3; do
    /usr/bin/time -f '%M' -o "$dir/rss" sh -c "$1" >/dev/null 2>&1
    kb=$(tail -1 "$dir/rss")
    [ "$kb" -gt "$max" ] && max=$kb
  done
  awk -v k="$max" 'BEGIN { printf "%.1f MiB", k / 1024 }'
}
rate() { awk -v s="$1" 'BEGIN { printf "%.0f MB/s", 1073.741824 / s }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }

echo "| 1 GiB to /dev/null from hop's Go server | time | throughput | hop peak memory |"
echo "|---|---|---|---|"
for p in "HTTP/1.1 (TLS)|$T|--http1.1" "HTTP/2|$H2|--http2" "HTTP/3 (QUIC)|$H3|--http3"; do
  IFS='|' read -r label url flag <<<"$p"
  cmd="$client$hop get $url/misbehave/zeros/$GIB -o /dev/null --cacert $CA $flag"
  run "proto.$flag" "$cmd"
  echo "| $label | $(ms "$s") | $(rate "$s") | $(peak "$cmd") |"
done

echo
echo "| 1 GiB over HTTPS, HTTP/2, from nginx | hop | curl | curl/hop (throughput) | budget | hop peak memory | curl peak memory |"
echo "|---|---|---|---|---|---|---|"
hc="$client$hop get $NGX/gib -o /dev/null --cacert $CA"
cc="${client}curl -s --http2 -o /dev/null --cacert $CA $NGX/gib"
for r in $(seq "$ROUNDS"); do # alternate, as compare.sh does
  hyperfine -N --output=pipe --warmup 1 --runs "$RUNS" --style none --export-json "$dir/ngx.hop.$r.json" "$hc" >/dev/null 2> >(quiet)
  hyperfine -N --output=pipe --warmup 1 --runs "$RUNS" --style none --export-json "$dir/ngx.curl.$r.json" "$cc" >/dev/null 2> >(quiet)
done
hs=$(median "$dir"/ngx.hop.*.json) cs=$(median "$dir"/ngx.curl.*.json)
echo "| nginx $(nginx -v 2>&1 | cut -d/ -f2) | $(ms "$hs") ($(rate "$hs")) | $(ms "$cs") ($(rate "$cs")) | $(awk -v a="$cs" -v b="$hs" 'BEGIN { printf "%.2f×", a / b }') | ≥ 1.00×, ≤ 16 MiB | $(peak "$hc") | $(peak "$cc") |"

echo
echo "| -o 1 GiB to a file, on a pseudo-terminal | time | bar/no bar | budget |"
echo "|---|---|---|---|"
# In memory when /dev/shm allows, so that the disk's writeback is not what is measured; the file is
# removed before each run, so that no run pays for freeing the last one's gigabyte.
out="$dir/big.bin"
[ -d /dev/shm ] && [ "$(df --output=avail -k /dev/shm | tail -1)" -gt 2200000 ] && out=/dev/shm/hop-bench-big.bin
for r in $(seq "$ROUNDS"); do # alternate the two, round by round
  for v in bar nobar; do
    q=""; [ "$v" = nobar ] && q="-q"
    hyperfine -N --output=pipe --warmup 1 --runs "$RUNS" --style none --prepare "rm -f $out" \
      --export-json "$dir/$v.$r.json" "script -qec '$client$hop get $H2/misbehave/zeros/$GIB -o $out --cacert $CA $q' /dev/null" >/dev/null 2> >(quiet)
  done
done
rm -f "$out"
bar=$(median "$dir"/bar.*.json) nobar=$(median "$dir"/nobar.*.json)
echo "| with the progress bar | $(ms "$bar") | $(awk -v a="$bar" -v b="$nobar" 'BEGIN { printf "%.3f×", a / b }') | ≤ 1.02× |"
echo "| without (-q) | $(ms "$nobar") | | |"

echo
echo "Machine: $(nproc) cores, $(uname -sr); $(go version | cut -d' ' -f3); $(curl --version | head -1 | cut -d' ' -f1-2); nginx $(nginx -v 2>&1 | cut -d/ -f2); $ROUNDS rounds × $RUNS runs, medians."
