#!/usr/bin/env bash
# tls-peers.sh - fipsev scan against sslscan, testssl.sh and nmap's
# ssl-enum-ciphers on the same loopback endpoints, side by side in one run,
# then fipsev alone on 200 and 2,000 endpoints at once. Run by hand (it takes a few
# minutes, mostly testssl.sh); figures go in docs/DEVELOPMENT.md, "Benchmarks".
#
# usage: bench/tls-peers.sh [path/to/fipsev]
#
# For each endpoint and tool it prints the wall time, the TCP connections
# the servers accepted (the PassiveOpens counter of /proc/net/snmp, so
# keep the machine otherwise quiet), and the number of accepted
# (protocol, suite) pairs; then what each peer missed or added compared
# with fipsev, and fipsev's speed-up over each. Needs root for apt-get the
# first time (sslscan, testssl.sh, nmap, nginx-light, bc).
set -euo pipefail
export LC_ALL=C
FIPSEV=$(realpath "${1:-build/fipsev}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUITES=$ROOT/data/tls/cipher-suites.tsv

need=()
for p in sslscan testssl.sh nmap nginx-light openssl jq python3 bc; do
	dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi

T=$(mktemp -d)
trap 'pkill -P $$ 2> /dev/null || true; rm -rf "$T"' EXIT
cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt \
	-subj /CN=localhost -days 30 2> /dev/null

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
	for _ in $(seq 100); do
		(exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null && return 0
		sleep 0.1
	done
	echo "nothing listens on $1" >&2
	exit 1
}

declare -A PORT
s_server() {
	local name=$1
	shift
	PORT[$name]=$(free_port)
	openssl s_server -accept "127.0.0.1:${PORT[$name]}" -www -quiet \
		-cert rsa.crt -key rsa.key "$@" > /dev/null 2>&1 < /dev/null &
	wait_port "${PORT[$name]}"
}
s_server fips -serverpref -groups P-256:P-384 \
	-cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384 \
	-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
s_server default
s_server legacy -min_protocol TLSv1 -cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'
s_server chacha13 -tls1_3 -ciphersuites TLS_CHACHA20_POLY1305_SHA256
# TLS 1.2 only, three suites: the fixed probes weigh most here.
s_server tls12x3 -tls1_2 -groups P-256 \
	-cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:AES128-GCM-SHA256

# Wall seconds of a command (output to $T/out).
timed() {
	local a b
	a=$(date +%s.%N)
	"$@" > "$T/out" 2> "$T/err" || true
	b=$(date +%s.%N)
	echo "$b - $a" | bc -l
}

passive_opens() {
	awk '/^Tcp:/ { if (n++) print $7 }' /proc/net/snmp
}

# Normalised accepted lists, "PROTOCOL DECIMAL_ID" sorted.
norm() {
	while read -r p id; do echo "$p $((id))"; done | sort -u
}
list_fipsev() {
	jq -r '.endpoints[0].ciphers[] | "\(.protocol) \(.id)"' "$T/out" | norm
}
list_sslscan() {
	sed -n 's/.*<cipher status="\(accepted\|preferred\)" sslversion="\([^"]*\)".* id="\(0x[0-9a-fA-F]*\)".*/\2 \3/p' "$T/out" | norm
}
list_testssl() {
	# Findings read "TLS 1.2   xc030   ECDHE-RSA-..." or "SSLv3   x05 ...".
	jq -r '.[] | select(.id | startswith("cipher-")) | .finding' "$T/ts.json" |
		awk '$1 == "TLS" { p = "TLSv" $2; h = $3 }
			$1 != "TLS" { p = $1; h = $2 }
			{ if (p == "TLSv1") p = "TLSv1.0"; sub(/^x/, "0x", h); print p, h }' |
		norm
}
list_nmap() {
	# nmap names suites by their IANA names; map them to code points.
	(python3 - "$T/out" "$SUITES" << 'EOF'
import sys, xml.etree.ElementTree as ET
ids = {}
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    f = line.rstrip("\n").split("\t")
    ids[f[1]] = int(f[0], 16)
root = ET.parse(sys.argv[1]).getroot()
for table in root.iter("table"):
    proto = table.get("key")
    if not proto or not proto.startswith(("TLSv", "SSLv")):
        continue
    for t in table.iter("table"):
        if t.get("key") != "ciphers":
            continue
        for c in t.findall("table"):
            for e in c.findall("elem"):
                if e.get("key") == "name" and e.text in ids:
                    print(proto, ids[e.text])
EOF
	) | norm
}

run_tool() {
	local tool=$1 port=$2 before after secs
	before=$(passive_opens)
	case $tool in
	fipsev) secs=$(timed "$FIPSEV" scan --json "127.0.0.1:$port") ;;
	sslscan) secs=$(timed sslscan --no-colour --xml=- "127.0.0.1:$port") ;;
	testssl) rm -f "$T/ts.json"
		secs=$(timed testssl --quiet --warnings off --color 0 -p -E -S \
			--jsonfile "$T/ts.json" "127.0.0.1:$port") ;;
	nmap) secs=$(timed nmap -Pn -p "$port" --script ssl-enum-ciphers -oX - 127.0.0.1) ;;
	esac
	sleep 0.2
	after=$(passive_opens)
	"list_$tool" > "$T/list.$tool"
	printf '%s %s %s\n' "$secs" "$((after - before))" "$(wc -l < "$T/list.$tool")"
}

printf '%-9s %-8s %9s %6s %6s %9s  %s\n' endpoint tool seconds conns suites "fipsev x" "vs fipsev"
for ep in fips default legacy chacha13 tls12x3; do
	read -r fs fc fn < <(run_tool fipsev "${PORT[$ep]}")
	printf '%-9s %-8s %9.3f %6d %6d %9s\n' "$ep" fipsev "$fs" "$fc" "$fn" -
	for tool in sslscan testssl nmap; do
		read -r s c n < <(run_tool "$tool" "${PORT[$ep]}")
		missed=$(comm -23 "$T/list.fipsev" "$T/list.$tool" | wc -l)
		extra=$(comm -13 "$T/list.fipsev" "$T/list.$tool" | wc -l)
		printf '%-9s %-8s %9.3f %6d %6d %8.1fx  missed %d, extra %d\n' \
			"$ep" "$tool" "$s" "$c" "$n" "$(echo "$s / $fs" | bc -l)" \
			"$missed" "$extra"
	done
done

# Many endpoints at once: one nginx listening on COUNT ports, at the
# default rate cap (1000 new connections a second), and 200 of them
# without it. Every endpoint must be scanned fully.
many() {
	local count=$1 rate=$2 before nginx
	mapfile -t ports < <(python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))' "$count")
	rm -rf "$T/nginx"
	mkdir -p "$T/nginx"
	{
		echo "daemon off; master_process off; pid $T/nginx/pid; error_log $T/nginx/err;"
		echo "worker_rlimit_nofile 16384; events { worker_connections 8192; }"
		echo "http { access_log off; client_body_temp_path $T/nginx; proxy_temp_path $T/nginx;"
		echo "fastcgi_temp_path $T/nginx; uwsgi_temp_path $T/nginx; scgi_temp_path $T/nginx;"
		echo "server {"
		for p in "${ports[@]}"; do echo "listen 127.0.0.1:$p ssl;"; done
		echo "ssl_certificate $T/rsa.crt; ssl_certificate_key $T/rsa.key;"
		echo "ssl_protocols TLSv1.2 TLSv1.3; return 200 ok; } }"
	} > "$T/nginx/nginx.conf"
	/usr/sbin/nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" &
	nginx=$!
	wait_port "${ports[$((count - 1))]}"
	targets=()
	for p in "${ports[@]}"; do targets+=("127.0.0.1:$p"); done
	before=$(passive_opens)
	python3 - "$FIPSEV" "$rate" "${targets[@]}" << 'EOF'
import json, resource, subprocess, sys, time
t = time.monotonic()
out = subprocess.run([sys.argv[1], "scan", "--json", "--rate", sys.argv[2]]
                     + sys.argv[3:], capture_output=True).stdout
secs = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
eps = json.loads(out)["endpoints"]
ok = sum(1 for e in eps if e["error"] is None and e["protocols"]
         and not e["incomplete"])
print("%d endpoints, --rate %s: %.2f s wall, %.1f MB peak RSS, %d of %d "
      "scanned fully, %d suites in all, %d connections reported"
      % (len(eps), sys.argv[2], secs, rss, ok, len(eps),
         sum(len(e["ciphers"]) for e in eps),
         sum(e["connections"] for e in eps)))
EOF
	echo "  server-side connections: $(($(passive_opens) - before))"
	kill "$nginx"
	wait "$nginx" 2> /dev/null || true
}
many 200 1000
many 200 20000
many 2000 1000
