#!/usr/bin/env bash
# run.sh - "fipsev run --config": the whole job (collect, store, bundle,
# sign, verify) on each sample cluster and on a demo-like configuration;
# the lock against overlapping runs; a failing phase named, with what was
# collected kept; configurations fipsev refuses.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
cd "$T"

# config NAME SNAPSHOT [EXTRA_YAML]: write $T/NAME.yaml.
config() {
	{
		echo "store: $T/$1/fipsev.db"
		echo "cluster:"
		echo "  snapshot: $2"
		echo "signing:"
		echo "  generate: true"
		echo "output: $T/$1/bundles"
		[ -z "${3:-}" ] || echo "$3"
	} > "$T/$1.yaml"
}

for f in compliant nonfips-node upgraded smp030 pruned hostile ff-enabled; do
	config "$f" "$C/$f"
	want=1
	[ "$f" = compliant ] && want=0
	run "$want" "$FIPSEV" run --config "$f.yaml"
	check "$f: every phase" [ "$(grep -c '^run: phase=.* result=ok' "$T/out")" = 3 ]
	check "$f: bundle intact" grep -q "^bundle $T/$f/bundles/run-1: intact" "$T/out"
	check "$f: stock tools agree" bash -c "cd '$T/$f/bundles/run-1' && sha256sum --quiet -c MANIFEST.sha256 &&
		openssl cms -verify -binary -inform PEM -in MANIFEST.sha256.sig -content MANIFEST.sha256 \
		-CAfile '$T/$f/demo-key/signing.crt' -out /dev/null 2> /dev/null"
done
# The CronJob's --completed-ok: a night that found non-compliance is a
# successful Job, its verdict said; a broken run still fails.
run 0 "$FIPSEV" run --config nonfips-node.yaml --completed-ok
check "completed-ok: the verdict in the log" grep -q "^run: phase=collect result=ok run=2 verdict=noncompliant$" "$T/out"
check "completed-ok: said why 0" grep -qx "run: completed, NOT COMPLIANT (exit 0: --completed-ok)" "$T/out"
check "completed-ok: bundle verified" grep -q "^run: phase=verify result=ok" "$T/out"
config broken-ok "$T/no-such-snapshot"
run 2 "$FIPSEV" run --config broken-ok.yaml --completed-ok
run 0 "$FIPSEV" run --config compliant.yaml --completed-ok
check "completed-ok, compliant: nothing more said" absent "NOT COMPLIANT" "$T/out"
# --jitter: a random wait after the checks, said; bounded.
run 0 "$FIPSEV" run --config compliant.yaml --jitter 1
check "jitter: said" grep -Eqx "run: waiting [01] s \(jitter, at most 1 s\)" "$T/out"
check "jitter: after the checks, before collecting" [ "$(grep -n 'run: waiting\|phase=collect result=started' "$T/out" | cut -d: -f1 | tr '\n' ' ')" = "1 2 " ]
run 2 "$FIPSEV" run --config compliant.yaml --jitter 3601
check "jitter: bounded" grep -q "jitter '3601': give 0 to 3600 seconds" "$T/err"
# A second run: a new bundle, the same demo key.
run 0 "$FIPSEV" run --config compliant.yaml
check "fourth run: run-4" [ -f "$T/compliant/bundles/run-4/MANIFEST.sha256" ]
check "fourth run: bundles only" [ "$(ls "$T/compliant/bundles" | tr '\n' ' ')" = "run-1 run-2 run-3 run-4 " ]
check "one demo key, beside the store" [ "$(ls "$T/compliant/demo-key" | tr '\n' ' ')" = "signing.crt signing.key " ]

# The demo shape: a node, a snapshot, a TLS endpoint on loopback.
self_signed k localhost ec:P-256
port=$(free_port)
openssl s_server -accept "127.0.0.1:$port" -www -quiet -cert k.crt -key k.key > /dev/null 2>&1 < /dev/null &
disown
wait_port 127.0.0.1 "$port"
config demo "$C/compliant" "node:
  root: $SAMPLES/nodes/al2-fips
tls:
  targets: [127.0.0.1:$port]"
set +e
"$FIPSEV" run --config demo.yaml > "$T/out" 2> "$T/err"
set -e
check "demo: node, cluster and TLS in one run" grep -q "2 nodes, 1 TLS endpoint, cluster evidence, module inventory" "$T/out"
check "demo: this node is one of the cluster's" grep -q "node ip-10-0-3-17.ec2.internal is also in the cluster's reports: keeping the cluster's" "$T/out"
check "demo: bundle verified" grep -q "^run: phase=verify result=ok" "$T/out"

# --- overlapping runs: the second stops at once ------------------------------
config locked "$C/compliant"
mkdir -p "$T/locked"
flock "$T/locked/fipsev.db.run.lock" sleep 30 &
holder=$!
sleep 0.3
run 2 "$FIPSEV" run --config locked.yaml
check "lock: second run refused" grep -q "another fipsev run holds '$T/locked/fipsev.db.run.lock'" "$T/err"
kill "$holder" 2> /dev/null || true
wait "$holder" 2> /dev/null || true

# --- a failing phase is named; what was stored is kept ----------------------
config broken "$T/no-such-snapshot"
run 2 "$FIPSEV" run --config broken.yaml
check "collect failure named" grep -q "run: the collect phase failed" "$T/err"

# --- the key and certificate checked before anything is collected ------------
# signer NAME KEY CERT: a configuration signing with KEY and CERT.
signer() {
	config "$1" "$C/compliant"
	sed -i "s|  generate: true|  key: $2\n  cert: $3|" "$1.yaml"
}
# preflight_refuses NAME MESSAGE: the run stops before collecting.
preflight_refuses() {
	run 2 "$FIPSEV" run --config "$1.yaml"
	check "$1: said ($(cat "$T/err"))" grep -qF -- "$2" "$T/err"
	check "$1: the preflight phase named" grep -q "run: the preflight phase failed; nothing of this run was stored" "$T/err"
	check "$1: nothing collected" [ ! -e "$T/$1/fipsev.db" ]
}
self_signed open x ec:P-256
chmod 644 open.key
signer openkey "$T/open.key" "$T/open.crt"
if [ "$(id -u)" = 0 ]; then
	preflight_refuses openkey "key '$T/open.key' (owned by root) is readable or writable by others (mode 0644): chmod 600 it"
else
	preflight_refuses openkey "key '$T/open.key' is readable or writable by group or others (mode 0644): chmod 600 it"
fi
dated_self_signed expired "fipsev signing" 20200101000000Z 20210101000000Z
signer expired "$T/expired.key" "$T/expired.crt"
preflight_refuses expired "certificate '$T/expired.crt' expired on 2021-01-01 00:00 UTC: renew it"
dated_self_signed future "fipsev signing" 20400101000000Z 20410101000000Z
signer future "$T/future.key" "$T/future.crt"
preflight_refuses future "certificate '$T/future.crt' is not valid yet (from 2040-01-01 00:00 UTC)"
self_signed other y ec:P-256
signer mismatch "$T/expired.key" "$T/other.crt"
preflight_refuses mismatch "certificate '$T/other.crt' is not for key '$T/expired.key'"
# Ten days left: the run goes on, and warns in its log and on stderr.
self_signed soon "fipsev signing" ec:P-384 10
signer soon "$T/soon.key" "$T/soon.crt"
run 0 "$FIPSEV" run --config soon.yaml
check "expiring soon: warned in the log" grep -Eq "^run: warning: certificate '$T/soon.crt' expires on [0-9-]+ [0-9:]+ UTC, in (9|10) days: renew it before then$" "$T/out"
check "expiring soon: warned on stderr" grep -q "expires on .* renew it before then" "$T/err"
check "expiring soon: bundle verified" grep -q "^run: phase=verify result=ok" "$T/out"

# --- retention: runs and their bundles pruned after a verified bundle -----------
config keep "$C/compliant" "retention:
  runs: 2"
for i in 1 2 3; do
	run 0 "$FIPSEV" run --config keep.yaml
done
check "retention: said" grep -qx "run: phase=retention result=ok runs_removed=1 documents_removed=[0-9]* bundles_removed=1" "$T/out"
check "retention: the newest two runs kept" [ "$(sql "$T/keep/fipsev.db" 'SELECT group_concat(id) FROM runs')" = 2,3 ]
check "retention: their bundles kept" [ "$(ls "$T/keep/bundles" | tr '\n' ' ')" = "run-2 run-3 " ]
store_sound "$T/keep/fipsev.db"
run 0 "$FIPSEV" verify "$T/keep/bundles/run-2" --ca "$T/keep/demo-key/signing.crt"
# By age: runs 1-3 made old; the newest stays whatever its age. Things in
# the output that are not bundles of this store's runs are left alone.
run 0 "$FIPSEV" run --config keep.yaml
sql "$T/keep/fipsev.db" "UPDATE runs SET started_utc = '2020-01-01T00:00:00Z'"
mkdir "$T/keep/bundles/run-x" "$T/keep/bundles/notes"
ln -s "$T/keep/bundles/run-3" "$T/keep/bundles/run-1"
config keep "$C/compliant" "retention:
  days: 30"
run 0 "$FIPSEV" run --config keep.yaml
check "retention by days: only the new run" [ "$(sql "$T/keep/fipsev.db" 'SELECT group_concat(id) FROM runs')" = 5 ]
check "retention by days: bundles" [ "$(ls "$T/keep/bundles" | tr '\n' ' ')" = "notes run-1 run-5 run-x " ]
check "retention: a symlink named like a bundle is not followed" [ -L "$T/keep/bundles/run-1" ]
for bad in "retention: {days: 0}" "retention: {runs: 1.5}" "retention: {days: '30'}" "retention: {keep: 3}" "retention: 3"; do
	printf 'output: x\nsigning: {generate: true}\n%s\n' "$bad" > bad-retention.yaml
	run 2 "$FIPSEV" run --config bad-retention.yaml
	check "retention refused: $bad" grep -Eq "'retention(\.days|\.runs)?' (must be a whole number from 1 to [0-9]+|is not a mapping)|unknown key 'retention.keep'" "$T/err"
done

# --- configurations refused before anything is done --------------------------
printf 'output: x\nsigning: {generate: true}\nclustr: {}\n' > typo.yaml
run 2 "$FIPSEV" run --config typo.yaml
check "unknown key named" grep -qx "fipsev: config 'typo.yaml': unknown key 'clustr'" "$T/err"
printf 'output: x\nsigning: {generate: true}\ntls: {targets: [a:1], tmeout: 3}\n' > typo2.yaml
run 2 "$FIPSEV" run --config typo2.yaml
check "unknown nested key named" grep -qx "fipsev: config 'typo2.yaml': unknown key 'tls.tmeout'" "$T/err"
printf 'signing: {generate: true}\n' > noout.yaml
run 2 "$FIPSEV" run --config noout.yaml
check "output required" grep -q "no 'output' directory" "$T/err"
printf 'output: x\n' > nosign.yaml
run 2 "$FIPSEV" run --config nosign.yaml
check "signing required" grep -q "'signing' needs key and cert" "$T/err"
check "nothing made for refused configs" [ ! -e x ]
run 2 "$FIPSEV" run
check "config required" grep -q "give --config FILE" "$T/err"

finish
