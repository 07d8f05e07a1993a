#!/usr/bin/env bash
# memory.sh - memory bounded by the work, not by the input's shape: a
# hostile snapshot and a hostile API server (tests/kube/hostile_api.py),
# both generated as streams, each list reaching one cap of klist.h. Every
# cap reached is named as missing evidence for its list, and fipsev's
# peak RSS stays under 64 MB + 4 x the largest answer the caps accept
# (an API page: 64 MiB). Measured in the plain build only: sanitizers and
# valgrind inflate RSS.
. "$(dirname "$0")/lib.sh"
[ "${FIPSEV_BUILD:-plain}" = plain ] ||
	skip_all "peak memory is measured in the plain build only"
[ -x /usr/bin/time ] || skip_all "GNU time (/usr/bin/time) is not installed"
C=$SAMPLES/cluster
PAGE_MIB=64
LIMIT_KB=$(((64 + 4 * PAGE_MIB) * 1024))
cd "$T"

# peak FILE: the peak RSS in KiB that /usr/bin/time wrote to FILE.
peak() {
	sed -n 's/^PEAK //p' "$1"
}

# collect_measured WANT_STATUS ARGS...: collect under /usr/bin/time.
collect_measured() {
	local want=$1 got
	shift
	set +e
	/usr/bin/time -f 'PEAK %M' -o "$T/time" "$FIPSEV" collect "$@" > "$T/out" 2> "$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || die "collect $* exited $got, want $want; stderr: $(tail -5 "$T/err")"
	checks=$((checks + 1))
}

# findings DB: the latest run as 'show' prints it (status 1: not compliant).
findings() {
	local st=0
	"$FIPSEV" show latest --db "$1" || st=$?
	[ "$st" -le 1 ] || die "show latest --db $1 exited $st"
}

# --- a hostile snapshot ----------------------------------------------------
s=$T/snap
cp -r "$C/compliant" "$s"
python3 - "$s" << 'PY'
import sys
MIB = 1 << 20
d = sys.argv[1]


def write(name, parts):
    """Write the concatenation of (bytes, count) without holding it."""
    with open("%s/%s" % (d, name), "wb") as f:
        for b, n in parts:
            per = max(1, MIB // len(b))
            while n > 0:
                k = min(per, n)
                f.write(b * k)
                n -= k


# 8,500 items of 20 KB: more than the budget all lists share, reached
# with little of it left, so a list after it that is read proves the
# failed list gave its share back.
parts = [(b'{"items":[', 1)]
for i in range(8500):
    parts += [(b'{"metadata":{"name":"c%d","namespace":"x"},"data":{"k":"' % i,
               1), (b"y", 20000), (b'"}}' + (b"," if i < 8499 else b""), 1)]
write("configmaps.json", parts + [(b"]}", 1)])
# 150 MiB skipped unread, then 16 MiB of empty items: the cap on items.
write("services.json", [(b'{"padding":"', 1), (b"x", 150 * MIB),
                        (b'","items":[', 1), (b"{},", 16 * MIB // 3),
                        (b"{}]}", 1)])
# One item of a million nested empty arrays.
write("ingresses.json", [(b'{"items":[{"metadata":{"name":"d"},"spec":[', 1),
                         (b"[],", 1200000), (b"[]]}]}", 1)])
# One item over 4 MiB.
write("cronjobs.json", [(b'{"items":[{"metadata":{"name":"big"},"x":"', 1),
                        (b"z", 5 * MIB), (b'"}]}', 1)])
PY
collect_measured 1 --snapshot "$s" --db "$T/snap.db"
rss=$(peak "$T/time")
echo "memory.sh: hostile snapshot ($(du -sm "$s" | cut -f1) MB): peak RSS $((rss / 1024)) MiB (limit $((LIMIT_KB / 1024)) MiB)"
check "snapshot: peak RSS under 64 MB + 4 x ${PAGE_MIB} MiB" [ "$rss" -lt "$LIMIT_KB" ]
findings "$T/snap.db" > f
check "snapshot: the shared budget is named" grep -q "configmaps.json cannot be read as a Kubernetes list: the lists read would take more than 160 MiB of memory together" f
check "snapshot: the cap on items is named" grep -q "services.json cannot be read as a Kubernetes list: it has more than 100000 items: that evidence is missing" f
check "snapshot: a dense item is refused before parsing" grep -q "ingresses.json cannot be read as a Kubernetes list: item 1 would take more than 32 MiB of memory" f
check "snapshot: an item over 4 MiB is named" grep -q "cronjobs.json cannot be read as a Kubernetes list: item 1 is over 4 MiB of JSON" f
# A list that failed gives its share of the budget back: the list after
# the one that passed it is read.
check "snapshot: the list after the budget's is read" absent "workloads.json cannot be read" f
# A file read only in part is recorded by its error, never by a digest.
sql "$T/snap.db" "SELECT $DOC_BYTES FROM documents d JOIN evidence e ON e.sha256 = d.sha256 WHERE e.collector = 'cluster'" > doc.json
check "snapshot: a list cut at a cap has no digest" [ "$(jq -r '.source.files[] | select(.file == "configmaps.json") | "\(.sha256) \(.error != null)"' doc.json)" = "null true" ]
check "snapshot: a list read whole has its digest" [ "$(jq -r '.source.files[] | select(.file == "nodes.json") | .sha256' doc.json)" = "$(sha256sum < "$s/nodes.json" | cut -d' ' -f1)" ]

# Empty items cost nothing and change nothing: the compliant cluster with
# 90,000 of them among its configmaps is still compliant.
e=$T/empty
cp -r "$C/compliant" "$e"
jq -c '.items += [range(90000) | {}]' "$C/compliant/configmaps.json" > "$e/configmaps.json"
collect_measured 0 --snapshot "$e" --db "$T/empty.db"
check "empty items: still compliant, in little memory" [ "$(peak "$T/time")" -lt 65536 ]

# --- a hostile API server --------------------------------------------------
self_signed ca hostile-ca rsa:2048 30
signed_by ca api kube-apiserver IP:127.0.0.1 rsa:2048 30
start_fake api kube/hostile_api.py --cert api.crt --key api.key \
	--fixture "$C/compliant" --log "$T/api.log"
port=$PORT_api
cat > kc << EOF
apiVersion: v1
kind: Config
current-context: h
contexts:
- name: h
  context: {cluster: h, user: u}
clusters:
- name: h
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $(base64 -w0 < ca.crt)
users:
- name: u
  user:
    token: hostile-token
EOF
collect_measured 1 --kubeconfig kc --node-reports "$C/compliant/node-reports" --db "$T/api.db"
rss=$(peak "$T/time")
echo "memory.sh: hostile API: peak RSS $((rss / 1024)) MiB (limit $((LIMIT_KB / 1024)) MiB)"
check "API: peak RSS under 64 MB + 4 x ${PAGE_MIB} MiB" [ "$rss" -lt "$LIMIT_KB" ]
findings "$T/api.db" > f
check "API: a page over the cap is asked again in smaller pages" grep -q "GET /api/v1/nodes?limit=62" "$T/api.log"
sql "$T/api.db" "SELECT $DOC_BYTES FROM documents d JOIN evidence e ON e.sha256 = d.sha256 WHERE e.collector = 'cluster'" > doc.json
check "API: ... and both nodes are read" [ "$(jq '.nodes | length' doc.json)" = 2 ]
check "API: ... so no finding about nodes" absent "cannot list /api/v1/nodes" f
check "API: an earlier continue token ends paging" grep -q "cannot list /api/v1/configmaps: .*paging of /api/v1/configmaps does not advance (a continue token came back)" f
check "API: the cap on items is named" grep -q "cannot list /apis/apps/v1/deployments: .*it has more than 100000 items" f
check "API: endless paging stops at the byte budget" grep -q "cannot list /apis/networking.k8s.io/v1/ingresses: .*more than 512 MiB were read for it" f
check "API: a dense item is refused before parsing" grep -q "cannot list /api/v1/services: .*item 1 would take more than 32 MiB of memory" f
check "API: the shared budget is named" grep -q "cannot list /apis/batch/v1/cronjobs: .*the lists read would take more than 160 MiB of memory together" f
# The shipped CronJob's memory limit is above that bound, so no answer can
# get the job OOM-killed.
lim=$(sed -n 's/.*limits: {.*memory: \([0-9]*\)Mi}.*/\1/p' "$SAMPLES/../deploy/base/cronjob.yaml")
check "the CronJob's memory limit (${lim:-none} Mi) is above the bound" bash -c '[ -n "$1" ] && [ "$(($1 * 1024))" -gt "$2" ]' _ "$lim" "$LIMIT_KB"
echo "memory.sh: $checks checks passed"
