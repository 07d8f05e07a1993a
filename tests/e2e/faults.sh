#!/usr/bin/env bash
# faults.sh - fault injection on the whole job ('fipsev run', 'fipsev
# report', 'fipsev keygen'): SIGKILL at named points and at random moments,
# a full disk (a file-size limit; a small tmpfs when root), a read-only
# store, a locked store. After every fault: the store passes
# integrity_check, earlier runs are intact, every bundle under a final
# name (run-N) verifies, and the error says what happened.
# (sigkill.sh does the same for 'fipsev collect' alone; the API cut is in
# kube.sh, the TLS stall in tls.sh.)
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
cd "$T"

# config NAME STORE OUTPUT: a run of a node and a cluster snapshot.
config() {
	cat > "$T/$1.yaml" << EOF
store: $2
node:
  root: $SAMPLES/nodes/al2-fips
cluster:
  snapshot: $C/compliant
signing:
  generate: true
output: $3
EOF
}

# bundles_sound DIR DB: every entry of the output directory is a finished
# bundle of a stored run that verifies (signed with the demo key beside
# the store), or an unfinished one under a temporary name; never a half
# bundle under a final name.
bundles_sound() {
	local out=$1 db=$2 d n
	for d in "$out"/*; do
		[ -e "$d" ] || continue
		n=${d##*/}
		case $n in
		run-*.tmp-*) ;;
		run-*)
			[[ $n =~ ^run-[0-9]+$ ]] || die "$d: unexpected name"
			[ "$(sql "$db" "SELECT status FROM runs WHERE id = ${n#run-}")" = complete ] ||
				die "$d: a bundle of a run the store does not hold"
			"$FIPSEV" verify "$d" --ca "$(dirname "$db")/demo-key/signing.crt" > "$T/verify" 2>&1 ||
				die "$d does not verify: $(cat "$T/verify")"
			;;
		*) die "$d: unexpected entry" ;;
		esac
	done
	checks=$((checks + 1))
}

# after_fault: the store and the bundles are sound, earlier runs intact.
after_fault() {
	local what=$1 now
	store_sound "$db"
	now=$(runs_fingerprint "$db")
	check "$what: earlier runs intact" [ "${now:0:${#before}}" = "$before" ]
	bundles_sound "$out" "$db"
	before=$now
}

# --- SIGKILL 'fipsev run' at each named point --------------------------------
db=$T/k/fipsev.db
out=$T/k/bundles
config k "$db" "$out"
run 0 "$FIPSEV" run --config k.yaml
before=$(runs_fingerprint "$db")

for point in store-run-begun store-before-commit; do
	kill_at "$point" "$FIPSEV" run --config k.yaml
	after_fault "killed at $point"
done
# Killed with the bundle written but not yet renamed: the run is stored,
# its bundle is only a temporary directory; the next run removes that and
# 'fipsev report' makes the bundle again.
kill_at bundle-before-rename "$FIPSEV" run --config k.yaml
killed=$(sql "$db" 'SELECT max(id) FROM runs')
check "killed before the rename: the run was stored" [ "$(sql "$db" "SELECT status FROM runs WHERE id = $killed")" = complete ]
check "killed before the rename: no run-$killed" [ ! -e "$out/run-$killed" ]
check "killed before the rename: a temporary directory" compgen -G "$out/run-$killed.tmp-*" > /dev/null
after_fault "killed before the rename"
run 0 "$FIPSEV" run --config k.yaml
check "the next run removes the leftover" grep -qx "run: removed 1 unfinished bundle left by a stopped fipsev" "$T/out"
check "leftover gone" [ -z "$(compgen -G "$out/*.tmp-*")" ]
run 0 "$FIPSEV" report "$killed" --db "$db" --out "$out/run-$killed" \
	--key "$(dirname "$db")/demo-key/signing.key" --cert "$(dirname "$db")/demo-key/signing.crt"
after_fault "bundled again"

# A leftover of a writer still alive is left alone.
sleep 30 &
alive=$!
mkdir "$out/run-999.tmp-$alive-abcdef"
run 0 "$FIPSEV" run --config k.yaml
check "a live writer's directory is kept" [ -d "$out/run-999.tmp-$alive-abcdef" ]
kill "$alive"
wait "$alive" 2> /dev/null || true
rmdir "$out/run-999.tmp-$alive-abcdef"

# In a CronJob's new container fipsev often has the pid its killed
# predecessor had (1): a leftover under its own pid is a leftover.
( mkdir "$out/run-998.tmp-$BASHPID-abcdef" && exec "$FIPSEV" run --config k.yaml ) > "$T/out" 2> "$T/err" && rc=0 || rc=$?
check "a run starting beside its own pid's leftover completes" [ "$rc" = 0 ]
check "a leftover under the run's own pid is removed" [ ! -e "$out/run-998.tmp-"* ]
check "... and named" grep -qx "run: removed 1 unfinished bundle left by a stopped fipsev" "$T/out"

before=$(runs_fingerprint "$db")

# --- SIGKILL 'fipsev run' at random moments ---------------------------------
# A whole run takes some tens of milliseconds here: kill anywhere in it.
start=$(date +%s%N)
run 0 "$FIPSEV" run --config k.yaml
span=$((($(date +%s%N) - start) / 1000000 + 20))
before=$(runs_fingerprint "$db")
for i in $(seq 1 30); do
	"$FIPSEV" run --config k.yaml > /dev/null 2>&1 &
	pid=$!
	sleep_ms $((RANDOM % span))
	kill -KILL "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	after_fault "random kill $i of 'fipsev run'"
done
# The lock died with its holder: the job still runs.
run 0 "$FIPSEV" run --config k.yaml
after_fault "after the random kills"

# --- SIGKILL 'fipsev report' at random moments ------------------------------
key=$(dirname "$db")/demo-key/signing.key
cert=$(dirname "$db")/demo-key/signing.crt
for i in $(seq 1 15); do
	"$FIPSEV" report --db "$db" --out "$T/rep-$i" --key "$key" --cert "$cert" > /dev/null 2>&1 &
	pid=$!
	sleep_ms $((RANDOM % span))
	kill -KILL "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	if [ -e "$T/rep-$i" ]; then
		"$FIPSEV" verify "$T/rep-$i" --ca "$cert" > "$T/verify" 2>&1 ||
			die "random kill $i of 'fipsev report': rep-$i does not verify: $(cat "$T/verify")"
		checks=$((checks + 1))
	fi
done
store_sound "$db"

# --- SIGKILL 'fipsev keygen' between certificate and key --------------------
kill_at keygen-before-key "$FIPSEV" keygen --out "$T/keys"
check "keygen killed: no key without its certificate" [ ! -e "$T/keys/signing.key" ]
run 0 "$FIPSEV" keygen --out "$T/keys"
check "keygen again: key and certificate match" [ \
	"$(openssl pkey -in "$T/keys/signing.key" -pubout 2> /dev/null | sha256sum)" = \
	"$(openssl x509 -in "$T/keys/signing.crt" -noout -pubkey | sha256sum)" ]
check "keygen again: no temporary files left" [ "$(ls "$T/keys" | tr '\n' ' ')" = "signing.crt signing.key " ]

# Two keygens in one directory: the second waits for the first (stopped
# here between its certificate and its key), then finds the key and
# refuses, so the pair left is the first one's.
FIPSEV_TEST_STOP_AT=keygen-before-key "$FIPSEV" keygen --out "$T/keys2" > /dev/null 2>&1 &
first=$!
wait_stopped "$first"
"$FIPSEV" keygen --out "$T/keys2" > /dev/null 2> "$T/second.err" &
second=$!
sleep_ms 500
check "keygen: a second one waits while the first is under way" kill -0 "$second"
kill -CONT "$first"
wait "$first" && first_rc=0 || first_rc=$?
wait "$second" && second_rc=0 || second_rc=$?
check "keygen: the first one finishes" [ "$first_rc" = 0 ]
check "keygen: the second one then refuses" [ "$second_rc" = 2 ]
check "keygen: ... naming the key" grep -q "signing.key' exists: a key is never overwritten" "$T/second.err"
check "keygen: the pair left matches" [ \
	"$(openssl pkey -in "$T/keys2/signing.key" -pubout 2> /dev/null | sha256sum)" = \
	"$(openssl x509 -in "$T/keys2/signing.crt" -noout -pubkey | sha256sum)" ]

# --- a full disk: a file-size limit (SIGXFSZ ignored, so writes fail) -------
# Limits from too small to open the store up to large enough to finish (a
# cluster document from the real charts is some 160 KB):
# each either fails naming the store and the phase, or succeeds whole.
fdb=$T/f/fipsev.db
config f "$fdb" "$T/f/bundles"
run 0 "$FIPSEV" run --config f.yaml
db=$fdb
out=$T/f/bundles
before=$(runs_fingerprint "$db")
failed=0
for kb in 12 16 24 32 40 48 64 96 128 192 256 384 512; do
	set +e
	(trap '' XFSZ; ulimit -f "$kb"; exec "$FIPSEV" run --config f.yaml) > "$T/out" 2> "$T/err"
	st=$?
	set -e
	if [ "$st" != 0 ]; then
		failed=$((failed + 1))
		check "file limit $kb KiB: exit 2" [ "$st" = 2 ]
		# The store, or the bundle file being written, named.
		check "file limit $kb KiB: the file named" grep -q "^fipsev: \(store '$fdb': .*\(disk I/O error\|disk is full\|too large\)\|cannot write '$out/run-[0-9]*\.tmp-.*': File too large\)" "$T/err"
		check "file limit $kb KiB: the phase named" grep -q "^fipsev: run: the \(collect\|report\) phase failed; " "$T/err"
	fi
	after_fault "file limit $kb KiB"
done
check "some file limits failed ($failed)" [ "$failed" -ge 3 ]
check "and the largest succeeded" [ "$st" = 0 ]

# --- a full disk, a read-only store: small tmpfs mounts, as root -------------
# The store on one (512 KiB), the bundles on another (48 KiB: the demo key
# fits, a bundle does not).
if [ "$(id -u)" = 0 ] && mkdir -p "$T/small" "$T/tiny" &&
	mount -t tmpfs -o size=512k,mode=0755 fipsev-test "$T/small" 2> /dev/null &&
	mount -t tmpfs -o size=48k,mode=0755 fipsev-test "$T/tiny" 2> /dev/null; then
	trap 'status=$?; umount "$T/small" "$T/tiny" 2> /dev/null || true; pkill -9 -P $$ 2> /dev/null || true; rm -rf "$T"; exit $status' EXIT
	db=$T/small/fipsev.db
	out=$T/tiny/bundles
	config s "$db" "$out"
	before=
	# The bundle does not fit: the run is stored, its bundle is not
	# half there.
	run 2 "$FIPSEV" run --config s.yaml
	check "bundle disk full: says so" grep -q "^fipsev: cannot .*'$out/run-1.tmp-[0-9]*-.*': No space left on device$" "$T/err"
	check "bundle disk full: the run is kept" grep -qx "fipsev: run: the report phase failed; run 1 is stored ('fipsev report 1' bundles it again)" "$T/err"
	check "bundle disk full: nothing half-made left" [ -z "$(ls "$out")" ]
	after_fault "bundle disk full"
	# The store's disk full: nothing of the run is stored.
	dd if=/dev/zero of="$T/small/filler" bs=4k count=1000 status=none 2> /dev/null || true
	run 2 "$FIPSEV" run --config s.yaml
	check "store disk full: says so" grep -q "^fipsev: store '$db': .*\(No space left on device\|disk is full\)" "$T/err"
	check "store disk full: the phase named" grep -q "^fipsev: run: the collect phase failed; nothing of this run was stored" "$T/err"
	# Room again (the sqlite3 shell that checks needs some too): the
	# store is as it was, and the job runs.
	rm -f "$T/small/filler"
	after_fault "store disk full"
	mount -o remount,size=2m "$T/tiny"
	run 0 "$FIPSEV" run --config s.yaml
	after_fault "room again"
	run 0 "$FIPSEV" report 1 --db "$db" --out "$out/run-1" --key "$(dirname "$db")/demo-key/signing.key" \
		--cert "$(dirname "$db")/demo-key/signing.crt"
	after_fault "the stored run bundled again"

	# Read-only: writing is refused, naming why; reading still works.
	nruns=$(sql "$db" 'SELECT count(*) FROM runs')
	mount -o remount,ro "$T/small"
	run 2 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$db"
	check "read-only: collect refused, said why" grep -qx "fipsev: store '$db': cannot write: its file system is read-only" "$T/err"
	run 2 "$FIPSEV" prune --keep-days 1 --db "$db"
	check "read-only: prune refused" grep -q "cannot write: its file system is read-only" "$T/err"
	run 2 "$FIPSEV" run --config s.yaml
	check "read-only: run refused" grep -q "Read-only file system\|read-only" "$T/err"
	run 0 "$FIPSEV" runs --db "$db"
	check "read-only: runs listed" [ "$(grep -c compliant "$T/out")" = "$nruns" ]
	run 0 "$FIPSEV" drift --db "$db" --json
	run 0 "$FIPSEV" report --db "$db" --out "$T/ro-bundle" --key "$key" --cert "$cert"
	run 0 "$FIPSEV" verify "$T/ro-bundle" --ca "$cert"
	mount -o remount,rw "$T/small"
	store_sound "$db"
	umount "$T/small" "$T/tiny"
else
	echo "faults.sh: not root or no tmpfs here: the tmpfs disk-full and read-only cases skipped"
fi

# --- a locked store: another process holds the write lock --------------------
db=$T/k/fipsev.db
out=$T/k/bundles
before=$(runs_fingerprint "$db")
mkfifo "$T/hold"
# The holder waits out any lock still held (a checkpoint, a reader) and
# stops at the first error, so 'held' is printed only once it holds it.
sqlite3 -bail -cmd '.timeout 10000' "$db" < "$T/hold" > "$T/held" 2>&1 &
holder=$!
exec 7> "$T/hold"
echo 'BEGIN EXCLUSIVE;' >&7
echo "SELECT 'held';" >&7
held=no
for _ in $(seq 1 400); do
	# The lock is held once the holder says so and a writer cannot get in.
	if grep -qx held "$T/held" &&
		! sqlite3 -cmd '.timeout 10' "$db" 'BEGIN IMMEDIATE; ROLLBACK;' 2> /dev/null; then
		held=yes
		break
	fi
	sleep 0.05
done
[ "$held" = yes ] || die "locked: the test could not take the store's lock: $(cat "$T/held")"
set +e
FIPSEV_TEST_BUSY_MS=500 "$FIPSEV" run --config k.yaml > "$T/out" 2> "$T/err"
st=$?
set -e
check "locked: exit 2" [ "$st" = 2 ]
check "locked: said so" grep -qx "fipsev: store '$db': cannot start a run: locked by another process (waited 500 ms)" "$T/err"
check "locked: the phase named" grep -q "^fipsev: run: the collect phase failed; nothing of this run was stored" "$T/err"
# Readers are not held up by a writer.
run 0 "$FIPSEV" runs --db "$db"
echo 'ROLLBACK;' >&7
exec 7>&-
wait "$holder" 2> /dev/null || true
after_fault "locked"
run 0 "$FIPSEV" run --config k.yaml
after_fault "unlocked"

finish
