#!/usr/bin/env bash
# Runs hop against a local HTTPS httpbin. Usage: demo/run.sh HOP DEMO_SERVER
# The server is stopped on exit, whatever happens.
set -u
hop=$1 server=$2
dir=$(mktemp -d)
"$server" -dir "$dir" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM

for _ in $(seq 100); do [ -s "$dir/tls.url" ] && break; sleep 0.05; done
[ -s "$dir/tls.url" ] || { echo "demo: the local server did not start" >&2; exit 1; }
url=$(cat "$dir/tls.url")
ca="$dir/ca.pem"
failed=0

step() {
  if [ -t 1 ]; then printf '\n\033[1m$ %s\033[0m\n' "$*"; else printf '\n$ %s\n' "$*"; fi | sed "s#$dir/ca.pem#ca.pem#g"
}

step hop get "$url/json" --cacert "$ca" -t
"$hop" get "$url/json" --cacert "$ca" -t || failed=1

step hop post "$url/post" name=hop n:=3 'tags[]=cli' --cacert "$ca" -v
"$hop" post "$url/post" name=hop n:=3 'tags[]=cli' --cacert "$ca" -v || failed=1

step hop get "$url/status/404" --cacert "$ca" -p h
"$hop" get "$url/status/404" --cacert "$ca" -p h
code=$?
echo "exit code: $code (4 means the server answered 4xx)"
[ "$code" = 4 ] || failed=1

step hop get "$url/basic-auth/demo/secret" -a demo:secret --cacert "$ca" -v
"$hop" get "$url/basic-auth/demo/secret" -a demo:secret --cacert "$ca" -v || failed=1

hostport=${url#https://}
step hop cert "$hostport" --cacert "$ca"
"$hop" cert "$hostport" --cacert "$ca" || failed=1

step hop cert "$hostport" --cacert "$ca" --expires-within 400d -q
"$hop" cert "$hostport" --cacert "$ca" --expires-within 400d -q
code=$?
echo "exit code: $code (10 means a certificate expires within 400 days: the demo leaf lives one year)"
[ "$code" = 10 ] || failed=1

ech=$(cat "$dir/ech.url") dns=$(cat "$dir/ech.dns")
step hop get "$ech" --dns-servers "$dns" --cacert ech-ca.pem --ech hard --tls
"$hop" get "$ech" --dns-servers "$dns" --cacert "$dir/ech-ca.pem" --ech hard --tls || failed=1

if [ "$failed" != 0 ]; then echo; echo "demo: a step failed" >&2; exit 1; fi
echo; echo "demo: done; the local server is stopped."
