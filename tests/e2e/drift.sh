#!/usr/bin/env bash
# drift.sh - "fipsev drift" and "history" where a CLI case cannot go: a
# chart value that changes past its 1,000th character, TLS suites that
# change between scans of a live server, the report's "since the last
# run", and prune. (The five sample runs' drift and history are CLI
# cases: tests/cli/cases/drift-*, history-*.)
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
db=$T/store.db
for f in compliant upgraded nonfips-node ff-enabled compliant; do
	set +e
	"$FIPSEV" collect --snapshot "$C/$f" --db "$db" > /dev/null 2>&1
	set -e
done

# What drift and history print for these runs, and their refusals, are CLI
# cases (tests/cli/cases/drift-*, history-*) on the same five runs.

# A chart value that changes only past its 1,000th character is a change
# (the comparison once cut each value to 1,024 bytes: "0 changes").
for v in A B; do
	cp -r "$C/compliant" "$T/long$v"
	edit_release "$T/long$v/helm-releases.json" "rel['config'].setdefault('global', {})['note'] = 'word ' * 300 + '$v'"
	run 0 "$FIPSEV" collect --snapshot "$T/long$v" --db "$T/long.db"
done
run 1 "$FIPSEV" drift --from 1 --to 2 --db "$T/long.db" --json
check "a long value changed past 1,000 characters" [ "$(jq -r '[.[] | select(.kind == "values") | "\(.change) \(.from // .to | .[-3:])"] | sort | join(",")' "$T/out")" = "added d B,removed d A" ]

# TLS drift: an endpoint's accepted suites change between runs.
cd "$T"
self_signed k localhost
port=$(free_port)
serve() {
	openssl s_server -accept "127.0.0.1:$port" -www -quiet -cert k.crt -key k.key -tls1_2 \
		-cipher "$1" > /dev/null 2>&1 < /dev/null &
	server=$!
	wait_port 127.0.0.1 "$port"
}
tdb=$T/tls.db
serve ECDHE-RSA-AES128-GCM-SHA256
set +e
"$FIPSEV" collect --tls "127.0.0.1:$port" --db "$tdb" > /dev/null 2>&1
kill "$server"
wait "$server" 2> /dev/null
serve ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA
"$FIPSEV" collect --tls "127.0.0.1:$port" --db "$tdb" > /dev/null 2>&1
kill "$server"
set -e
run 1 "$FIPSEV" drift --db "$tdb"
check "tls: new suite named" grep -qx "+ endpoint 127.0.0.1:$port: suite TLSv1.2 TLS_RSA_WITH_AES_128_CBC_SHA" "$T/out"
run 0 "$FIPSEV" history --endpoint "127.0.0.1:$port" --db "$tdb" --json
check "history: an endpoint's suites over time" [ "$(jq -c '[.[] | .suites | length]' "$T/out")" = '[1,2]' ]

# --- the report says what changed since the last run ------------------------------
"$FIPSEV" keygen --out "$T/rkeys" > /dev/null
XSD=$SAMPLES/../templates/evidence.xsd
for r in 1 2; do
	run 0 "$FIPSEV" report "$r" --db "$db" --out "$T/r$r" --key "$T/rkeys/signing.key" --cert "$T/rkeys/signing.crt"
	check "report $r: XML valid" xmllint --noout --schema "$XSD" "$T/r$r/evidence.xml"
done
check "first run: no previous" grep -q "This is the first run in the store." "$T/r1/report.html"
check "second run: the change in the XML" [ "$(xmllint --xpath 'string(//*[local-name()="change"][@field="smp_version"]/@to)' "$T/r2/evidence.xml")" = 0.31.0 ]
check "second run: previous run named" [ "$(xmllint --xpath 'string(//*[local-name()="since-last-run"]/@previous-run)' "$T/r2/evidence.xml")" = 1 ]
check "second run: the changes in the page" grep -q "3 changes since run" "$T/r2/report.html"
check "first run: no chart of one bar" [ "$(grep -c '<svg' "$T/r1/report.html")" = 0 ]
check "second run: two runs in the history" [ "$(xmllint --xpath 'count(//*[local-name()="history"]/*[local-name()="run"])' "$T/r2/evidence.xml")" = 2 ]
check "second run: the failure counted" [ "$(xmllint --xpath 'string(//*[local-name()="history"]/*[local-name()="run"][@id=2]/@fail)' "$T/r2/evidence.xml")" = 1 ]
# Three bars (passed, failed, without evidence) per run.
check "second run: a chart of the runs" [ "$(grep -o '<rect' "$T/r2/report.html" | wc -l)" = 6 ]

# --- prune: old runs go, the latest and the kept ones stay whole ----------------------
cp "$db" "$T/prune.db"
pdb=$T/prune.db
"$FIPSEV" keygen --out "$T/keys" > /dev/null
run 0 "$FIPSEV" report 4 --db "$pdb" --out "$T/b4" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
# Runs 1-3 started long ago; 4 and 5 today.
sql "$pdb" "UPDATE runs SET started_utc = '2020-01-0' || id || 'T00:00:00Z' WHERE id <= 3"
docs_before=$(sql "$pdb" 'SELECT count(*) FROM documents')
run 0 "$FIPSEV" prune --keep-days 30 --db "$pdb"
check "prune: old runs removed" [ "$(sql "$pdb" 'SELECT group_concat(id) FROM runs')" = 4,5 ]
check "prune: their facts gone too" [ "$(sql "$pdb" 'SELECT count(*) FROM node_facts WHERE run_id <= 3')" = 0 ]
check "prune: unneeded documents removed" [ "$(sql "$pdb" 'SELECT count(*) FROM documents')" -lt "$docs_before" ]
check "prune: says what it did" grep -q "^removed 3 runs started before" "$T/out"
store_sound "$pdb"
run 0 "$FIPSEV" show 5 --db "$pdb"
run 0 "$FIPSEV" verify "$T/b4" --ca "$T/keys/signing.crt"
sql "$pdb" "UPDATE runs SET started_utc = '2020-02-01T00:00:00Z'"
run 0 "$FIPSEV" prune --keep-days 1 --db "$pdb"
check "prune: the latest run always stays" [ "$(sql "$pdb" 'SELECT group_concat(id) FROM runs')" = 5 ]
store_sound "$pdb"
run 2 "$FIPSEV" prune --db "$pdb"
check "prune: needs --keep-days" grep -q "give --keep-days N" "$T/err"

finish
