# concurrency.sh - several fipsev runs at once on one store all succeed;
# a run that holds the write lock makes others wait, not fail.
. "$(dirname "$0")/lib.sh"

root=$SAMPLES/nodes/al2-fips
db=$T/store.db

# Eight at once on a store that does not exist yet: they also race to
# create the schema.
pids=()
for i in $(seq 1 8); do
	"$FIPSEV" collect --node --root "$root" --db "$db" > "$T/out.$i" 2> "$T/err.$i" &
	pids+=($!)
done
for i in "${!pids[@]}"; do
	st=0
	wait "${pids[$i]}" || st=$?
	check "concurrent run $i succeeded (stderr: $(cat "$T/err.$((i + 1))"))" [ "$st" = 0 ]
done
check "eight runs recorded" [ "$(sql "$db" 'SELECT count(*) FROM runs')" = 8 ]
check "eight distinct run ids" [ "$(cat "$T"/out.* | sort -u | wc -l)" = 8 ]
store_sound "$db"

# One run stops while holding the write lock; another must wait for it.
FIPSEV_TEST_STOP_AT=store-before-commit "$FIPSEV" collect --node --root "$root" \
	--db "$db" > /dev/null 2>&1 &
holder=$!
for i in $(seq 1 200); do
	[ "$(awk '{print $3}' "/proc/$holder/stat")" = T ] && break
	sleep 0.05
done
"$FIPSEV" collect --node --root "$root" --db "$db" > "$T/waiter.out" 2> "$T/waiter.err" &
waiter=$!
sleep 1
check "the second run waits for the lock" kill -0 "$waiter"
# Readers are not blocked by a writer in WAL mode.
run 0 "$FIPSEV" runs --db "$db"
kill -KILL "$holder"
wait "$holder" 2> /dev/null || true
st=0
wait "$waiter" || st=$?
check "the waiting run then succeeds (stderr: $(cat "$T/waiter.err"))" [ "$st" = 0 ]
check "only the waiting run was added" [ "$(sql "$db" 'SELECT count(*) FROM runs')" = 9 ]
store_sound "$db"
finish
