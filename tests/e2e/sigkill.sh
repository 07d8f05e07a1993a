# sigkill.sh - SIGKILL 'fipsev collect' at exact points of a run, and at
# random moments, then prove the store is sound and earlier runs intact.
. "$(dirname "$0")/lib.sh"

root=$SAMPLES/nodes/bottlerocket-fips

# collect_until POINT DB: run collect until POINT, then SIGKILL it there.
collect_until() {
	kill_at "$1" "$FIPSEV" collect --node --root "$root" --db "$2"
}

db=$T/store.db
run 0 "$FIPSEV" collect --node --root "$root" --db "$db"
run 1 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2023-nonfips" --db "$db"
before=$(runs_fingerprint "$db")

for point in store-run-begun store-before-commit; do
	collect_until "$point" "$db"
	store_sound "$db"
	check "killed at $point: earlier runs intact, no new run" \
		[ "$(runs_fingerprint "$db")" = "$before" ]
done

# Killed in the middle of creating the schema: nothing half-made stays,
# and the next run creates it whole.
fresh=$T/fresh.db
collect_until store-migration "$fresh"
check "killed mid-migration: schema not half made" \
	[ "$(sql "$fresh" 'PRAGMA user_version')" = 0 ]
check "killed mid-migration: no tables left" \
	[ "$(sql "$fresh" "SELECT count(*) FROM sqlite_master WHERE type = 'table'")" = 0 ]
run 0 "$FIPSEV" collect --node --root "$root" --db "$fresh"
store_sound "$fresh"

# Random moments: start a run, kill it after 0-40 ms, over and over. Each
# time the store is sound and nothing stored before is lost.
for i in $(seq 1 25); do
	prev=$(runs_fingerprint "$db")
	"$FIPSEV" collect --node --root "$root" --db "$db" > /dev/null 2>&1 &
	pid=$!
	sleep_ms $((RANDOM % 40))
	kill -KILL "$pid" 2> /dev/null || true
	wait "$pid" 2> /dev/null || true
	store_sound "$db"
	now=$(runs_fingerprint "$db")
	check "random kill $i: earlier runs intact" [ "${now:0:${#prev}}" = "$prev" ]
done

# The store still takes runs afterwards.
run 0 "$FIPSEV" collect --node --root "$root" --db "$db"
store_sound "$db"
finish
