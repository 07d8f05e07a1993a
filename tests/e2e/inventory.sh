#!/usr/bin/env bash
# inventory.sh - the module inventory: a fake Harness NG API over HTTPS
# with a test CA serving the account fixtures in samples/harness as the real
# API answers (envelopes, exact scopes, the built-in secret manager at every
# scope, templates resolved or not, SAML identity providers, SCIM groups,
# authentication settings v1 and v2; paging, a refused key, a 500
# mid-paging, malformed JSON, pipeline YAML with anchors and odd
# indentation), plus chart values from the cluster snapshots; what lands
# in the store, and how show prints it.
. "$(dirname "$0")/lib.sh"
H=$SAMPLES/harness
C=$SAMPLES/cluster
cd "$T"

self_signed ca fake-harness-ca
signed_by ca api harness IP:127.0.0.1
KEY=pat.acct1.TRAP-API-KEY-0042
printf '%s\n' "$KEY" > key.txt

# fake NAME FIXTURE [OPTIONS...]: start a fake Harness API; PORT_<NAME>.
fake() {
	local name=$1 fixture=$2
	shift 2
	start_fake "$name" harness/fake_harness.py --cert api.crt --key api.key \
		--fixture "$H/$fixture" --key-value "$KEY" --log "$T/$name.log" "$@"
}

fake supported supported --page 2
fake gcp gcp-bitbucket
fake snyk snyk-ff
fake flaky supported --page 2 --fail /ng/api/connectors/listV2:1
fake unresolved supported --no-resolve
fake multiidp supported --multi-idp

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

# --- fully within the supported set (SMP 0.44.1) ---------------------------
collect 0 supported "$PORT_supported" --snapshot "$C/compliant-044"
check "supported: summary" grep -q "cluster evidence, module inventory, compliant" "$T/out"
i=$(items)
for want in \
	"Continuous Delivery|Docker Registry|yes|connector dockerhub" \
	"Continuous Delivery|Kubernetes|yes|connector default/payments/eks" \
	"Cloud Cost Management|Kubernetes cluster|yes|connector ccm_eks" \
	"Code Repository|GitHub|yes|connector github" \
	"Continuous Delivery|Kubernetes|yes|pipeline default/payments/deploy stage prod" \
	"Continuous Integration|Kaniko|yes|pipeline default/payments/build stage ci step push" \
	"Continuous Integration|Kaniko|yes|pipeline default/payments/build stage release step push_release" \
	"Security Testing Orchestration|Aqua Trivy|yes|pipeline default/payments/scan stage sto step trivy" \
	"Security Testing Orchestration|Bandit|yes|pipeline default/payments/scan stage sto step bandit" \
	"Security Testing Orchestration|OSV|yes|pipeline default/payments/scan stage sto step osv" \
	"Security Testing Orchestration|SonarQube|yes|pipeline default/payments/scan stage sto step sonar" \
	"Security Testing Orchestration|Bandit|yes|pipeline default/payments/golden stage scan step bandit" \
	"Platform|SMTP|yes|pipeline default/payments/deploy notification rule" \
	"Platform|MS Teams|yes|pipeline default/payments/deploy notification rule" \
	"Platform|Slack|yes|user group oncall" \
	"Platform|MS Teams|yes|user group default/payments/payments-team" \
	"Platform|SCIM (Okta)|yes|user group okta-engineering (externallyManaged: provisioned by SCIM)" \
	"Platform|SAML (Okta)|yes|authentication settings: SAML login through Okta" \
	"Continuous Integration|Continuous Integration|yes|release harness/harness: sub-chart ci" \
	"Continuous Delivery|Continuous Delivery|yes|release harness/harness: sub-charts cd, srm" \
	"Platform|Platform|yes|release harness/harness: sub-chart platform"; do
	check "supported: $want" grep -qxF "$want" <<< "$i"
done
check "supported: nothing unsupported" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE supported != 'yes'")" = 0 ]
check "supported: paged" [ "$(grep -c '^POST /gateway/ng/api/connectors/listV2?accountIdentifier=acct1&pageIndex=2' supported.log)" = 1 ]
check "supported: 7 scanner steps" [ "$(grep -c '|pipeline default/payments/scan stage sto step' <<< "$i")" = 7 ]
# Scopes are exact: connectors and user groups asked at every org and project.
for q in "connectors/listV2?accountIdentifier=acct1&orgIdentifier=secure&pageIndex" \
	"connectors/listV2?accountIdentifier=acct1&orgIdentifier=secure&projectIdentifier=audit&pageIndex" \
	"user-groups?accountIdentifier=acct1&orgIdentifier=default&projectIdentifier=payments&pageIndex"; do
	check "supported: asked at $q" grep -qF "/gateway/ng/api/$q" supported.log
done
check "supported: templates asked resolved" grep -qF "pipelines/deploy?accountIdentifier=acct1&orgIdentifier=default&projectIdentifier=payments&getTemplatesResolvedPipeline=true" supported.log
check "supported: a disabled rule is not in use" [ "$(grep -ci 'pagerduty' <<< "$i")" = 0 ]
run 0 "$FIPSEV" show latest --json --db "$db"
check "supported: the built-in secret manager is Platform's" [ "$(jq -r '[.evidence[] | select(.collector == "inventory")][0].document.notes[] | select(test("harnessSecretManager"))' "$T/out")" = \
	"5 Harness-managed connectors (harnessSecretManager, Harness's built-in secret manager) are part of Platform, not judged as connectors" ]
check "show --json: inventory[]" [ "$(jq -r '.inventory | map(select(.supported == "yes")) | length' "$T/out")" = \
	"$(sql "$db" 'SELECT count(*) FROM inventory_items')" ]
check "show --json: item fields" [ "$(jq -r '.inventory[0] | [has("module"), has("component"), has("seen_at"), has("supported")] | all' "$T/out")" = true ]
run 0 "$FIPSEV" show latest --db "$db"
check "show: table" grep -Eq '^  Continuous Integration +Kaniko +yes +pipeline default/payments/build stage ci step push$' "$T/out"

# --- the same account on SMP 0.31.3: no -fips sto-plugin before 0.38.0 ---------
collect 1 sto031 "$PORT_supported" --snapshot "$C/compliant"
check "0.31.3: every scanner step judged on the install's version" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE supported = 'no' AND seen_at LIKE 'pipeline default/payments/scan stage sto step %'")" = 7 ]
check "0.31.3: and the one from templates" [ "$(sql "$db" "SELECT seen_at FROM inventory_items WHERE supported = 'no' AND seen_at NOT LIKE 'pipeline default/payments/scan %'")" = \
	"pipeline default/payments/golden stage scan step bandit" ]
check "0.31.3: nothing else" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE supported != 'yes'")" = 8 ]
run 1 "$FIPSEV" show latest --json --db "$db"
check "0.31.3: the reason" [ "$(jq -r '[.inventory[] | select(.supported == "no")][0].reason' "$T/out")" = \
	"supported in FIPS mode from SMP 0.38.0; this release runs 0.31.3" ]
# With no cluster evidence the install's version is not known: not a pass.
collect 1 apionly "$PORT_supported"
check "no cluster: scanner steps unknown" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE supported = 'unknown' AND seen_at LIKE 'pipeline default/payments/scan stage sto step %'")" = 7 ]

# --- templates the API did not resolve: what they run is not known --------------
collect 1 unresolved "$PORT_unresolved" --snapshot "$C/compliant-044"
check "unresolved templates: unknown, named" [ "$(sql "$db" "SELECT coalesce(component, '') || '|' || seen_at FROM inventory_items WHERE supported != 'yes' ORDER BY item")" = \
	"account.k8s_rolling|pipeline default/payments/deploy (template account.k8s_rolling)
org.golden_ci|pipeline default/payments/golden (template org.golden_ci)" ]
# --- several identity providers: v1 refuses, v2 answers --------------------------
collect 0 multiidp "$PORT_multiidp" --snapshot "$C/compliant-044"
check "multi-IdP: v2 asked after v1" [ "$(grep -o 'authentication-settings[^?]*' multiidp.log | tr '\n' ' ')" = \
	"authentication-settings authentication-settings/v2 " ]
check "multi-IdP: SAML judged" grep -qxF "Platform|SAML (Okta)|yes|authentication settings: SAML login through Okta" <<< "$(items)"

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

# --- GCP, Bitbucket and Vault at org and project scope; SAML with Azure AD;
# a Vault flagged harnessManaged is still judged (only harnessSecretManager
# is Harness's own) -------------------------------------------------------------
collect 1 gcp "$PORT_gcp"
check "gcp: unsupported items" [ "$(sql "$db" "SELECT component || '|' || seen_at FROM inventory_items WHERE supported = 'no' ORDER BY item")" = \
	"Vault|connector corp_vault
Gcp|connector default/gcp
Bitbucket|connector default/payments/bitbucket
Vault|connector secure/audit/vault
SAML (other identity provider)|authentication settings: SAML login through Azure AD" ]
check "gcp: SCIM beside Azure AD SAML is not known to be Okta's" [ "$(sql "$db" "SELECT supported FROM inventory_items WHERE seen_at LIKE 'user group aad-engineering%'")" = unknown ]
check "gcp: findings say where" grep -q '"connector Gcp (-) at connector default/gcp: connector type not in the FIPS support table"' \
	<(run 1 "$FIPSEV" show latest --json --db "$db"; cat "$T/out")

# --- a Snyk scanner, Prowler in a CI stage, build outside Kubernetes, FF --------
collect 1 snyk "$PORT_snyk" --snapshot "$C/ff-enabled"
i=$(items)
check "snyk: Snyk" grep -qxF "Security Testing Orchestration|Snyk|no|pipeline default/payments/scan stage sto step snyk" <<< "$i"
check "snyk: a scanner in rollback steps" grep -qxF "Security Testing Orchestration|Snyk|no|pipeline default/payments/deploy stage prod step snyk_rollback" <<< "$i"
check "snyk: LDAP set up is judged" grep -qxF "Platform|LDAP|no|authentication settings: LDAP set up" <<< "$i"
check "snyk: the USER_PASSWORD entry alone is not" [ "$(grep -c 'USER_PASSWORD' <<< "$i")" = 0 ]
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
check "flaky: error recorded" grep -q "connectors of the account: server https://127.0.0.1:$PORT_flaky/gateway answered HTTP 500" <(harness_doc)
check "flaky: first page kept" [ "$(sql "$db" "SELECT count(*) FROM inventory_items WHERE kind = 'connector'")" = 2 ]

# --- refused: one line, nothing stored; the key never on the command line -------
before=$(runs_fingerprint "$T/supported.db")
printf 'wrong-key\n' > bad.txt
run 2 "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported/gateway" \
	--harness-account acct1 --harness-key-file bad.txt --harness-ca ca.crt --db "$T/supported.db"
check "bad key: one line naming the server" [ "$(cat "$T/err")" = \
	"fipsev: Harness API: server https://127.0.0.1:$PORT_supported/gateway refused the credentials (HTTP 401 for /ng/api/organizations?accountIdentifier=acct1&pageIndex=0&pageSize=100)" ]
run 2 env -u FIPSEV_HARNESS_API_KEY "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported" \
	--harness-account acct1 --db "$T/supported.db"
check "no key: says where to put it" grep -q "give --harness-key-file FILE or set FIPSEV_HARNESS_API_KEY" "$T/err"
run 0 env FIPSEV_HARNESS_API_KEY="$KEY" "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_supported/gateway" \
	--harness-account acct1 --harness-ca ca.crt --snapshot "$C/compliant-044" --db "$T/env.db"
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
sed 's/^connector\tGcp.*//; s/^connector\t\*\t/connector\tGcp\tContinuous Delivery\tGCP\tyes\t0.31.0\tlocal statement\nconnector\t*\t/' \
	"$SAMPLES/../data/harness/support-matrix.tsv" > matrix.tsv
collect 1 gcp-matrix "$PORT_gcp" --support-matrix matrix.tsv
check "matrix file: GCP now supported" [ "$(sql "$db" "SELECT supported FROM inventory_items WHERE seen_at = 'connector default/gcp'")" = yes ]
printf 'connector\tGcp\tCD\tGCP\tmaybe\t-\tx\n' > bad-matrix.tsv
run 2 "$FIPSEV" collect --harness-url "https://127.0.0.1:$PORT_gcp/gateway" --harness-account acct1 \
	--harness-key-file key.txt --harness-ca ca.crt --support-matrix bad-matrix.tsv --db "$T/x.db"
check "bad matrix: names file and line" grep -qx "fipsev: bad-matrix.tsv line 1: supported must be yes or no" "$T/err"

finish
