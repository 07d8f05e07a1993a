#!/usr/bin/env bash
# inventory.sh - the module inventory: a fake Harness NG API over HTTPS
# with a test CA serving the account fixtures in samples/harness (paging,
# a refused key, a 500 mid-paging, malformed JSON, pipeline YAML with
# anchors and odd indentation), plus chart values from the cluster
# snapshots; what lands in the store, and how show prints it.
. "$(dirname "$0")/lib.sh"
FAKE=$(cd "$(dirname "$0")/../harness" && pwd)/fake_harness.py
H=$SAMPLES/harness
C=$SAMPLES/cluster
cd "$T"

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
	-subj /CN=fake-harness-ca -days 2 2> /dev/null
openssl req -newkey rsa:2048 -nodes -keyout api.key -out api.csr \
	-subj /CN=harness 2> /dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in api.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-days 2 -extfile san.ext -out api.crt 2> /dev/null
KEY=pat.acct1.TRAP-API-KEY-0042
printf '%s\n' "$KEY" > key.txt

# fake NAME FIXTURE [OPTIONS...]: start a fake Harness API; PORT_<NAME>.
fake() {
	local name=$1 fixture=$2
	shift 2
	python3 "$FAKE" --cert api.crt --key api.key --fixture "$H/$fixture" \
		--key-value "$KEY" --log "$T/$name.log" "$@" > "$T/$name.port" &
	disown
	for _ in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.1
	done
	printf -v "PORT_$name" %s "$(awk '{print $2}' "$T/$name.port")"
}

fake supported supported --page 2
fake gcp gcp-bitbucket
fake snyk snyk-ff
fake flaky supported --page 2 --fail /ng/api/connectors:1

# collect WANT NAME PORT [OPTIONS...]: into $T/NAME.db; sets db.
collect() {
	local want=$1 name=$2 port=$3
	shift 3
	db=$T/$name.db
	run "$want" "$FIPSEV" collect --harness-url "https://127.0.0.1:$port/gateway/" \
		--harness-account acct1 --harness-key-file key.txt --harness-ca ca.crt \
		--db "$db" "$@"
	store_sound "$db"
	check "$name: key not stored" bash -c "! grep -a -q -F '$KEY' '$db' '$db-wal' 2> /dev/null"
}

items() {
	sql "$db" "SELECT coalesce(module, '') || '|' || coalesce(component, '') || '|' || supported || '|' || seen_at FROM inventory_items ORDER BY item"
}

# --- fully within the supported set ---------------------------------------
collect 0 supported "$PORT_supported" --snapshot "$C/compliant"
check "supported: summary" grep -q "cluster evidence, module inventory, compliant" "$T/out"
i=$(items)
for want in \
	"Continuous Delivery|Docker Registry|yes|connector dockerhub" \
	"Continuous Delivery|Kubernetes|yes|connector default/payments/eks" \
	"Cloud Cost Management|Kubernetes cluster|yes|connector ccm_eks" \
	"Code Repository|GitHub|yes|connector github" \
	"Continuous Delivery|Kubernetes|yes|pipeline default/payments/deploy stage prod" \
	"Continuous Integration|Kaniko|yes|pipeline default/payments/build stage ci step push" \
	"Security Testing Orchestration|Aqua Trivy|yes|pipeline default/payments/scan stage sto step trivy" \
	"Security Testing Orchestration|Bandit|yes|pipeline default/payments/scan stage sto step bandit" \
	"Security Testing Orchestration|OSV|yes|pipeline default/payments/scan stage sto step osv" \
	"Security Testing Orchestration|SonarQube|yes|pipeline default/payments/scan stage sto step sonar" \
	"Platform|SMTP|yes|pipeline default/payments/deploy notification rule" \
	"Platform|MS Teams|yes|pipeline default/payments/deploy notification rule" \
	"Platform|Slack|yes|user group oncall" \
	"Platform|SAML (Okta)|yes|authentication settings: login mechanism" \
	"Continuous Integration|Continuous Integration|yes|release harness/harness: sub-chart ci" \
	"Continuous Delivery|Continuous Delivery|yes|release harness/harness: sub-charts cd, srm" \
	"Platform|Platform|yes|release harness/harness: sub-chart platform"; do
	check "supported: $want" grep -qxF "$want" <<< "$i"
done
check "supported: nothing unsupported" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE supported != 'yes'")" = 0 ]
check "supported: paged" [ "$(grep -c '^GET /gateway/ng/api/connectors?.*pageIndex=2' supported.log)" = 1 ]
check "supported: 7 scanner steps" [ "$(grep -c '|pipeline default/payments/scan stage sto step' <<< "$i")" = 7 ]
run 0 "$FIPSEV" show latest --json --db "$db"
check "show --json: inventory[]" [ "$(jq -r '.inventory | map(select(.supported == "yes")) | length' "$T/out")" = \
	"$(sql "$db" 'SELECT count(*) FROM inventory_items')" ]
check "show --json: item fields" [ "$(jq -r '.inventory[0] | [has("module"), has("component"), has("seen_at"), has("supported")] | all' "$T/out")" = true ]
run 0 "$FIPSEV" show latest --db "$db"
check "show: table" grep -Eq '^  Continuous Integration +Kaniko +yes +pipeline default/payments/build stage ci step push$' "$T/out"

# --- email notifications, and no SMTP server in the release: missing -----------
cp -r "$C/compliant" nosmtp
python3 - nosmtp/helm-releases.json << 'PY'
import base64, gzip, json, sys
path = sys.argv[1]
lst = json.load(open(path))
for item in lst["items"]:
    raw = gzip.decompress(base64.b64decode(base64.b64decode(item["data"]["release"])))
    rel = json.loads(raw)
    rel.get("config", {}).get("global", {}).pop("smtpCreateSecret", None)
    body = base64.b64encode(gzip.compress(json.dumps(rel).encode(), mtime=0))
    item["data"]["release"] = base64.b64encode(body).decode()
json.dump(lst, open(path, "w"))
PY
collect 1 nosmtp "$PORT_supported" --snapshot nosmtp
check "no SMTP server: email is missing evidence" grep -qxF "Platform|SMTP|unknown|SMTP server" <<< "$(items)"

# --- a GCP connector and a Bitbucket repository --------------------------------
collect 1 gcp "$PORT_gcp"
check "gcp: unsupported connectors" [ "$(sql "$db" "SELECT component || '|' || seen_at FROM inventory_items WHERE supported = 'no' ORDER BY item")" = \
	"Gcp|connector gcp
Bitbucket|connector default/bitbucket" ]
check "gcp: findings say where" grep -q '"connector Gcp (-) at connector gcp: connector type not in the FIPS support table"' \
	<(run 1 "$FIPSEV" show latest --json --db "$db"; cat "$T/out")

# --- a Snyk scanner, Prowler in a CI stage, build outside Kubernetes, FF --------
collect 1 snyk "$PORT_snyk" --snapshot "$C/ff-enabled"
i=$(items)
check "snyk: Snyk" grep -qxF "Security Testing Orchestration|Snyk|no|pipeline default/payments/scan stage sto step snyk" <<< "$i"
check "snyk: Prowler in CI" grep -qxF "Security Testing Orchestration|Prowler|no|pipeline default/payments/scan stage ci step prowler" <<< "$i"
check "snyk: build on VM is not Kaniko" grep -qxF "Continuous Integration|BuildAndPushECR@VM|no|pipeline default/payments/scan stage ci step ecr" <<< "$i"
check "snyk: Feature Flags" grep -qxF "Feature Flags|Feature Flags|no|release harness/harness: sub-chart ff" <<< "$i"
check "snyk: SRM the product" grep -qxF "Service Reliability Management|Service Reliability Management|no|release harness/harness: global.srm.enabled" <<< "$i"
check "snyk: an opt-in feature" grep -qxF "Platform|global.ngcustomdashboard.enabled|no|release harness/harness: platform sub-charts ng-custom-dashboards, looker (off by default)" <<< "$i"
check "snyk: no library chart" [ "$(grep -c "harness-common" <<< "$i")" = 0 ]
check "snyk: malformed JSON is unknown, not a pass" grep -qx -- "-|Harness API|unknown|Harness API" <<< "$i"
harness_doc() {
	sql "$db" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents WHERE CAST($DOC_BYTES AS TEXT) LIKE '{\"format\":\"fipsev-harness/1\"%'"
}
check "snyk: the broken pipeline named" grep -q 'pipeline default/payments/broken: the answer is not JSON' <(harness_doc)

# --- a 500 in the middle of paging: what is missing is said ---------------------
collect 1 flaky "$PORT_flaky"
check "flaky: error recorded" grep -q "connectors: server https://127.0.0.1:$PORT_flaky/gateway answered HTTP 500" <(harness_doc)
check "flaky: first page kept" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE kind = 'connector'")" = 2 ]

# --- refused: one line, nothing stored; the key never on the command line -------
before=$(runs_fingerprint "$T/supported.db")
printf 'wrong-key\n' > bad.txt
run 2 "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported/gateway" \
	--harness-account acct1 --harness-key-file bad.txt --harness-ca ca.crt --db "$T/supported.db"
check "bad key: one line naming the server" [ "$(cat "$T/err")" = \
	"fipsev: Harness API: server https://127.0.0.1:$PORT_supported/gateway refused the credentials (HTTP 401 for /ng/api/connectors?accountIdentifier=acct1&pageIndex=0&pageSize=100)" ]
run 2 env -u FIPSEV_HARNESS_API_KEY "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported" \
	--harness-account acct1 --db "$T/supported.db"
check "no key: says where to put it" grep -q "give --harness-key-file FILE or set FIPSEV_HARNESS_API_KEY" "$T/err"
run 0 env FIPSEV_HARNESS_API_KEY="$KEY" "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported/gateway" \
	--harness-account acct1 --harness-ca ca.crt --db "$T/env.db"
check "key from the environment" [ "$(sql "$T/env.db" 'SELECT count(*) > 10 FROM inventory_items')" = 1 ]
run 2 "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported/gateway" \
	--harness-account acct1 --harness-key-file key.txt --db "$T/supported.db"
check "unknown CA: refused" grep -q "cannot verify server https://127.0.0.1:$PORT_supported/gateway" "$T/err"
run 2 "$FIPSEV" collect --harness-url "http://127.0.0.1:$PORT_supported" \
	--harness-account acct1 --harness-key-file key.txt --db "$T/supported.db"
check "plain http refused" grep -q "is not https: the API key only travels over verified TLS" "$T/err"
run 2 "$FIPSEV" collect --harness-url "https://127.0.0.1:1" --db "$T/supported.db"
check "account needed" grep -q "\-\-harness-url and --harness-account go together" "$T/err"
check "refusals stored nothing" [ "$(runs_fingerprint "$T/supported.db")" = "$before" ]

# --- the support matrix is data ------------------------------------------------------
sed 's/^connector\tGcp.*//; s/^connector\t\*\t/connector\tGcp\tContinuous Delivery\tGCP\tyes\t0.32.0\tlocal statement\nconnector\t*\t/' \
	"$SAMPLES/../data/harness/support-matrix.tsv" > matrix.tsv
collect 1 gcp-matrix "$PORT_gcp" --support-matrix matrix.tsv
check "matrix file: GCP now supported" [ "$(sql "$db" "SELECT supported FROM inventory_items WHERE seen_at = 'connector gcp'")" = yes ]
printf 'connector\tGcp\tCD\tGCP\tmaybe\t-\tx\n' > bad-matrix.tsv
run 2 "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_gcp/gateway" --harness-account acct1 \
	--harness-key-file key.txt --harness-ca ca.crt --support-matrix bad-matrix.tsv --db "$T/x.db"
check "bad matrix: names file and line" grep -qx "fipsev: bad-matrix.tsv line 1: supported must be yes or no" "$T/err"

finish
