#!/usr/bin/env bash
# drift.sh - "fipsev drift" between runs of different sample clusters
# names every change: nodes added and removed, release settings, chart
# values (by digest when redacted), modules, TLS suites, findings.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
db=$T/store.db
for f in compliant upgraded nonfips-node ff-enabled compliant; do
	set +e
	"$FIPSEV" collect --snapshot "$C/$f" --db "$db" > /dev/null 2>&1
	set -e
done

run 1 "$FIPSEV" drift --from 1 --to 2 --db "$db"
check "upgrade: SMP version" grep -qx "~ release harness: smp_version 0.31.3 -> 0.31.0" "$T/out"
check "upgrade: history" grep -qx "~ release harness: fips_since_first_install true -> false" "$T/out"
check "upgrade: finding pass -> fail" grep -qx "~ finding FIPS-FIRST-INSTALL harness/harness: result pass -> fail" "$T/out"
run 1 "$FIPSEV" drift --from 2 --to 3 --db "$db"
check "nodes: added" grep -qx "+ node ip-10-0-4-88.ec2.internal" "$T/out"
check "nodes: new failing finding" grep -qx "+ finding FIPS-NODE-KERNEL ip-10-0-4-88.ec2.internal: result fail" "$T/out"
check "nodes: missing evidence" grep -qx "+ finding FIPS-NODE-KERNEL ip-10-0-9-9.ec2.internal: result missing-evidence" "$T/out"
run 1 "$FIPSEV" drift --from 3 --to 4 --db "$db" --json
check "json: node removed" [ "$(jq -r '[.[] | select(.kind == "node" and .change == "removed") | .subject] | join(",")' "$T/out")" = ip-10-0-4-88.ec2.internal ]
check "json: chart value flipped" [ "$(jq -r '[.[] | select(.kind == "values") | "\(.change) \(.from // .to)"] | sort | join(",")' "$T/out")" = \
	"added global.ff.enabled=true,added global.ngcustomdashboard.enabled=true,added global.srm.enabled=true" ]
check "json: module enabled" [ "$(jq -r '[.[] | select(.kind == "module" and .change == "added") | .to] | join(",")' "$T/out")" = \
	"Feature Flags (no) at release harness/harness: sub-chart ff,Service Reliability Management (no) at release harness/harness: global.srm.enabled,global.ngcustomdashboard.enabled (no) at release harness/harness: platform sub-charts ng-custom-dashboards, looker (off by default)" ]
# Redacted values compare by their digest: the same secret, no change.
check "json: redacted values unchanged" [ "$(jq '[.[] | select(.kind == "values" and ((.from // .to) | test("redacted")))] | length' "$T/out")" = 0 ]
run 1 "$FIPSEV" drift --db "$db" --csv
check "csv: header" [ "$(head -1 "$T/out" | tr -d '\r')" = "kind,subject,change,field,from,to" ]
check "default: the last two runs" grep -q '"module","inventory","removed","component","Feature Flags (no)' "$T/out"
run 0 "$FIPSEV" drift --from 1 --to 5 --db "$db"
check "same cluster twice: nothing" grep -qx "drift from run 1 to run 5: 0 changes" "$T/out"

# A chart value that changes only past its 1,000th character is a change
# (the comparison once cut each value to 1,024 bytes: "0 changes").
for v in A B; do
	cp -r "$C/compliant" "$T/long$v"
	edit_release "$T/long$v/helm-releases.json" "rel['config'].setdefault('global', {})['note'] = 'word ' * 300 + '$v'"
	run 0 "$FIPSEV" collect --snapshot "$T/long$v" --db "$T/long.db"
done
run 1 "$FIPSEV" drift --from 1 --to 2 --db "$T/long.db" --json
check "a long value changed past 1,000 characters" [ "$(jq -r '[.[] | select(.kind == "values") | "\(.change) \(.from // .to | .[-3:])"] | sort | join(",")' "$T/out")" = "added d B,removed d A" ]

# --- history: one subject across every run -------------------------------------
run 0 "$FIPSEV" history --node ip-10-0-4-88.ec2.internal --db "$db" --json
check "history: the node's one run" [ "$(jq -c '[.[] | [.run, .fips_enabled, .compliant]]' "$T/out")" = '[[3,false,false]]' ]
run 0 "$FIPSEV" history --node ip-10-0-3-17.ec2.internal --db "$db"
check "history: every run of a node" [ "$(grep -c '^run [0-9]' "$T/out")" = 5 ]
run 0 "$FIPSEV" history --check FIPS-FIRST-INSTALL --db "$db" --json
check "history: a check over time" [ "$(jq -c '[.[] | .result]' "$T/out")" = '["pass","fail","pass","pass","pass"]' ]
run 2 "$FIPSEV" history --node nope --db "$db"
check "history: unknown subject" grep -q "no run mentions node 'nope'" "$T/err"
run 2 "$FIPSEV" history --node a --check b --db "$db"
check "history: one subject" grep -q "give one of --node, --endpoint and --check" "$T/err"

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

# --- bad input ---------------------------------------------------------------------
run 2 "$FIPSEV" drift --from 1 --to 99 --db "$db"
check "no such run" grep -q "has no run 99" "$T/err"
run 2 "$FIPSEV" drift --from x --db "$db"
check "bad run" grep -q "run 'x' is not a run number" "$T/err"
run 2 "$FIPSEV" drift --json --csv --db "$db"
check "json or csv" grep -q "give --json or --csv, not both" "$T/err"
finish
