#!/usr/bin/env bash
# store-scale.sh - a year of nightly runs of a large, slowly changing
# cluster, then what the store costs and how fast it answers. Run by hand
# (about 15 minutes for the defaults); figures go in docs/DEVELOPMENT.md, "Benchmarks".
#
# usage: bench/store-scale.sh [path/to/fipsev] [NODES] [NIGHTS] [ENDPOINTS]
#        (defaults: build/fipsev 5000 365 50)
#
# Each night bench/synth-cluster.py moves a synthetic snapshot of NODES
# nodes on by about 1% (nodes replaced, kernels updated, now and then a
# node without FIPS mode) and `fipsev collect` records it together with a
# scan of ENDPOINTS TLS endpoints (one nginx on loopback; every 30th night
# one endpoint starts or stops accepting a CBC suite). Then it reports:
#   - the store's size, and its size after VACUUM;
#   - ingesting one more NODES-node run (median of 5, on copies);
#   - `fipsev drift` between 10 random pairs of runs (median, max);
#   - `fipsev history --node` of a node present all year (median of 10);
#   - `fipsev report` of the last run (the bundle, signed).
# Needs nginx-light, sqlite3, python3 and jq (installed when missing).
# With FIPSEV_BENCH_KEEP=FILE the year's store is copied there, to look
# into by hand (e.g. under perf).
set -euo pipefail
export LC_ALL=C
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIPSEV=$(realpath "${1:-$ROOT/build/fipsev}")
NODES=${2:-5000}
NIGHTS=${3:-365}
ENDPOINTS=${4:-50}

need=()
for p in nginx-light sqlite3 python3 jq openssl; do
	dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi

T=$(mktemp -d)
trap '[ -f "$T/nginx/pid" ] && kill "$(cat "$T/nginx/pid")" 2> /dev/null; rm -rf "$T"' EXIT
cd "$T"
openssl req -x509 -newkey rsa:2048 -nodes -keyout tls.key -out tls.crt \
	-subj /CN=localhost -days 30 2> /dev/null

# --- the endpoints: one nginx, one server block a port -------------------------
mapfile -t ports < <(python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))' "$ENDPOINTS")
mkdir -p nginx
FIPS_SUITES=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
nginx_conf() {	# the index of the endpoint that also accepts CBC, or -1
	local i
	echo "pid $T/nginx/pid; error_log $T/nginx/err; worker_processes 1;"
	echo "events { worker_connections 1024; }"
	echo "http { access_log off; client_body_temp_path $T/nginx; proxy_temp_path $T/nginx;"
	echo "fastcgi_temp_path $T/nginx; uwsgi_temp_path $T/nginx; scgi_temp_path $T/nginx;"
	for i in "${!ports[@]}"; do
		echo "server { listen 127.0.0.1:${ports[$i]} ssl;"
		echo "ssl_certificate $T/tls.crt; ssl_certificate_key $T/tls.key;"
		echo "ssl_protocols TLSv1.2 TLSv1.3;"
		if [ "$i" = "$1" ]; then
			echo "ssl_ciphers $FIPS_SUITES:AES128-SHA;"
		else
			echo "ssl_ciphers $FIPS_SUITES;"
		fi
		echo "return 200 ok; }"
	done
	echo "}"
}
nginx_conf -1 > nginx/nginx.conf
/usr/sbin/nginx -p "$T/nginx" -c "$T/nginx/nginx.conf"
for _ in $(seq 100); do [ -s nginx/pid ] && break; sleep 0.1; done
targets=$(printf '127.0.0.1:%s,' "${ports[@]}")
targets=${targets%,}

# --- a year of nights ---------------------------------------------------------------
now() { date +%s.%N; }
db=$T/store.db
start=$(now)
for ((night = 0; night < NIGHTS; night++)); do
	python3 "$ROOT/bench/synth-cluster.py" snap "$NODES" "$night"
	if ((night > 0 && night % 30 == 0)); then
		nginx_conf $(((night / 30) % 2 == 1 ? (night / 60) % ENDPOINTS : -1)) > nginx/nginx.conf
		/usr/sbin/nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -s reload
		sleep 0.5
	fi
	set +e
	"$FIPSEV" collect --snapshot snap --tls "$targets" --rate 20000 --db "$db" > /dev/null 2> err
	rc=$?
	set -e
	[ "$rc" -le 1 ] || { cat err >&2; exit 1; }
	if ((night % 30 == 0)); then
		printf 'night %3d: %s bytes\n' "$night" "$(stat -c %s "$db")" >&2
	fi
done
year=$(echo "$(now) - $start" | bc)

# --- what it costs ------------------------------------------------------------------
size=$(stat -c %s "$db")
cp "$db" vacuumed.db
sqlite3 vacuumed.db 'PRAGMA wal_checkpoint(TRUNCATE); VACUUM;' > /dev/null
vsize=$(stat -c %s vacuumed.db)
spans=$(sqlite3 "$db" 'SELECT count(*) FROM evidence_spans')
docs=$(sqlite3 "$db" 'SELECT count(*) FROM documents')

# median FILE: the middle of the numbers in FILE.
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
timed() {	# timed OUTFILE COMMAND...: append the wall seconds
	local out=$1 t0
	shift
	t0=$(now)
	"$@" > /dev/null 2>&1 || [ $? -eq 1 ]
	echo "$(now) - $t0" | bc >> "$out"
}

python3 "$ROOT/bench/synth-cluster.py" snap "$NODES" "$NIGHTS"
for i in 1 2 3 4 5; do
	cp "$db" ingest.db
	timed ingest.txt "$FIPSEV" collect --snapshot snap --db ingest.db
done
last=$(sqlite3 "$db" 'SELECT max(id) FROM runs')
for i in $(seq 20); do
	a=$((RANDOM % last + 1))
	b=$((RANDOM % last + 1))
	timed drift.txt "$FIPSEV" drift --from "$a" --to "$b" --json --db "$db"
	# and a night and the one before it: what the nightly job asks
	a=$((RANDOM % (last - 1) + 1))
	timed drift1.txt "$FIPSEV" drift --from "$a" --to "$((a + 1))" --json --db "$db"
done
changes=$("$FIPSEV" drift --from 1 --to "$last" --json --db "$db" | jq length || true)
node=$(sqlite3 "$db" "SELECT subject FROM evidence_spans WHERE collector = 'node' AND first_run = 1 ORDER BY last_run DESC, subject LIMIT 1")
for i in $(seq 10); do
	timed history.txt "$FIPSEV" history --node "$node" --json --db "$db"
done
hruns=$("$FIPSEV" history --node "$node" --json --db "$db" | jq length)
"$FIPSEV" keygen --out keys > /dev/null
timed report.txt "$FIPSEV" report latest --db "$db" --out bundle --key keys/signing.key --cert keys/signing.crt
peak=$( { /usr/bin/time -f %M "$FIPSEV" drift --from 1 --to "$last" --json --db "$db" > /dev/null || true; } 2>&1 | tail -1)

[ -z "${FIPSEV_BENCH_KEEP:-}" ] || cp "$db" "$FIPSEV_BENCH_KEEP"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.0f ms", s * 1000 }'; }
cat << EOF
store-scale: $NODES nodes, $ENDPOINTS TLS endpoints, $NIGHTS nightly runs (${year%.*} s to make)
  store size:             $(mib "$size") ($(mib "$vsize") after VACUUM); $spans evidence spans, $docs documents
  ingest one run:         $(ms "$(median ingest.txt)") (median of 5: collect of a $NODES-node snapshot, evaluated and stored)
  drift, any two runs:    $(ms "$(median drift.txt)") median, $(ms "$(sort -n drift.txt | tail -1)") max (20 random pairs); run 1 to $last: $changes changes, peak RSS $((peak / 1024)) MiB
  drift, consecutive:     $(ms "$(median drift1.txt)") median, $(ms "$(sort -n drift1.txt | tail -1)") max (20 random nights and the night before)
  history of one node:    $(ms "$(median history.txt)") (median of 10; $hruns runs)
  report of the last run: $(ms "$(cat report.txt)") (bundle of $NODES node documents, signed)
EOF
