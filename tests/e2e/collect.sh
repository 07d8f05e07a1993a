# collect.sh - collect every fixture root into one store and read it back:
# runs, show, exit statuses, byte-exact documents, source digests, store
# path precedence, and storage of unchanged evidence once.
. "$(dirname "$0")/lib.sh"

db=$T/store.db
roots=("$SAMPLES"/nodes/*)
ids=()
for r in "${roots[@]}"; do
	want=$(node_status "$r")
	run "$want" "$FIPSEV" collect --node --root "$r" --db "$db"
	id=$(sed -n 's/^run \([0-9]*\) recorded.*/\1/p' "$T/out")
	[ -n "$id" ] || die "collect printed no run id: $(cat "$T/out")"
	ids+=("$id")
done
store_sound "$db"

# runs: every run, newest first; --limit; --json.
run 0 "$FIPSEV" runs --db "$db"
check "runs lists every run" [ "$(($(wc -l < "$T/out") - 1))" = "${#roots[@]}" ]
run 0 "$FIPSEV" runs --db "$db" --json
check "runs --json has every run" [ "$(jq length "$T/out")" = "${#roots[@]}" ]
check "runs --json is newest first" [ "$(jq '.[0].id' "$T/out")" = "${ids[-1]}" ]
run 0 "$FIPSEV" runs --db "$db" --limit 3 --json
check "runs --limit" [ "$(jq length "$T/out")" = 3 ]

# show: the stored document is the one 'fipsev node' prints for that root,
# the digest is of the stored bytes, and the exit status is the verdict.
for i in "${!roots[@]}"; do
	r=${roots[$i]} id=${ids[$i]}
	want=$(node_status "$r")
	run "$want" "$FIPSEV" show "$id" --db "$db" --json
	cp "$T/out" "$T/show.json"
	"$FIPSEV" node --root "$r" --json > "$T/node.json" || true
	check "show $id: document equals node --json ($r)" \
		diff <(jq -S '.evidence[0].document' "$T/show.json") <(jq -S . "$T/node.json")
	sha=$(jq -r '.evidence[0].sha256' "$T/show.json")
	sql "$db" "SELECT writefile('$T/body', $DOC_BYTES) FROM documents WHERE sha256 = '$sha'" > /dev/null
	check "show $id: sha256 is of the stored bytes" \
		[ "$(sha256sum < "$T/body" | cut -d' ' -f1)" = "$sha" ]
	check "show $id: run verdict" [ "$(jq -r .run.verdict "$T/show.json")" = \
		"$([ "$want" = 0 ] && echo compliant || echo noncompliant)" ]
	run "$want" "$FIPSEV" show "$id" --db "$db"
	check "show $id text names the node" grep -q "^node evidence '" "$T/out"
done
run "$(node_status "${roots[-1]}")" "$FIPSEV" show latest --db "$db" --json
check "show latest is the newest run" [ "$(jq .run.id "$T/out")" = "${ids[-1]}" ]
run 2 "$FIPSEV" show 99999 --db "$db"
check "show of a missing run names it" grep -q "has no run 99999" "$T/err"

# Each source digest is sha256sum of the file under the root (following
# symlinks inside the root, as fipsev does).
for r in "${roots[@]}"; do
	"$FIPSEV" node --root "$r" --json > "$T/node.json" || true
	while IFS=$'\t' read -r path sha; do
		f=$r$path
		while [ -L "$f" ]; do
			t=$(readlink "$f")
			case $t in /*) f=$r$t ;; *) f=$(dirname "$f")/$t ;; esac
		done
		check "digest of $f" [ "$(sha256sum < "$f" | cut -d' ' -f1)" = "$sha" ]
	done < <(jq -r '.node.sources[] | select(.sha256 != null) | [.path, .sha256] | @tsv' "$T/node.json")
done

# Unchanged evidence is stored once, however many runs cite it.
before=$(sql "$db" 'SELECT count(*) FROM documents')
run 0 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$db"
check "an unchanged document is stored once" [ "$(sql "$db" 'SELECT count(*) FROM documents')" = "$before" ]
check "but cited by one more run" [ "$(sql "$db" 'SELECT count(*) FROM evidence')" = "$((${#roots[@]} + 1))" ]

# Store path: --db beats FIPSEV_DB, which beats the default.
run 0 env FIPSEV_DB="$T/env.db" "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips"
check "FIPSEV_DB is used" [ "$(sql "$T/env.db" 'SELECT count(*) FROM runs')" = 1 ]
run 0 env FIPSEV_DB="$T/env.db" "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$T/flag.db"
check "--db beats FIPSEV_DB" [ "$(sql "$T/env.db" 'SELECT count(*) FROM runs')" = 1 ]
check "--db gets the run" [ "$(sql "$T/flag.db" 'SELECT count(*) FROM runs')" = 1 ]
# A missing parent directory is created, private.
run 0 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$T/a/b/c.db"
check "store parents created 0700" [ "$(stat -c %a "$T/a/b")" = 700 ]
# The documented default for a non-root user (root's is /var/lib/fipsev).
if [ "$(id -u)" != 0 ]; then
	run 0 env HOME="$T/home" XDG_STATE_HOME= "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips"
	check "default store under HOME" [ -f "$T/home/.local/state/fipsev/fipsev.db" ]
fi
store_sound "$db"
finish
