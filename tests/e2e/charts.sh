#!/usr/bin/env bash
# charts.sh - installs built from Harness's real charts (samples/cluster,
# made by samples/cluster/generate from ../shared/harness): each fixture's
# verdict and its findings, exactly, and nothing secret anywhere. Where
# ../shared/harness is here, the checked-in fixtures and the chart model
# (data/harness/charts.tsv) are first made again from it and compared, so
# neither can drift from the real charts.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
TOP=$(cd "$SAMPLES/.." && pwd)
HARNESS=${SHARED:-$SAMPLES/../../shared}/harness

# --- the fixtures and the model are what the real charts make ------------------
if [ -d "$HARNESS/helm-charts" ]; then
	python3 "$TOP/data/harness/generate" "$HARNESS" > "$T/charts.tsv"
	check "chart model: as derived from the charts" cmp "$TOP/data/harness/charts.tsv" "$T/charts.tsv"
	(cd "$TOP" && python3 samples/cluster/generate "$FIPSEV" "$HARNESS/.." "$T/gen")
	for d in "$T"/gen/*/; do
		f=$(basename "$d")
		# node-reports are fipsev's own output (its OpenSSL's version
		# among it), not derived from the charts.
		check "fixture $f: as generated" diff -r -x node-reports "$C/$f" "$T/gen/$f"
	done
	check "every fixture generated" [ "$(ls "$T/gen" | wc -l)" = "$(ls -d "$C"/*/ | wc -l)" ]
else
	skip_part "$HARNESS not here: the fixtures and the chart model not made again"
fi

# expect NAME STATUS: collect the fixture; its exit status, and its findings
# (the cluster's and the inventory's) exactly the lines on stdin, each
# matched as a fixed string by one finding, no finding left over.
expect() {
	local name=$1 want=$2 db=$T/$1.db line n
	run "$want" "$FIPSEV" collect --snapshot "$C/$name" --db "$db"
	run "$want" "$FIPSEV" show latest --json --db "$db"
	jq -r '.evidence[] | select(.collector == "cluster" or .collector == "inventory") | .document.findings[]' \
		"$T/out" > "$T/$name.found"
	grep -v '^$' > "$T/$name.want" || true
	while IFS= read -r line; do
		n=$(grep -cF -- "$line" "$T/$name.found" || true)
		check "$name: finding '$line'" [ "$n" = 1 ]
	done < "$T/$name.want"
	check "$name: no other finding ($(cat "$T/$name.found"))" [ "$(wc -l < "$T/$name.found")" = "$(wc -l < "$T/$name.want")" ]
	# One verdict: collect's exit, show's, runs' and the stored run.
	verdict=$([ "$want" = 0 ] && echo compliant || echo noncompliant)
	check "$name: stored verdict" [ "$(sql "$db" 'SELECT verdict FROM runs')" = "$verdict" ]
	run 0 "$FIPSEV" runs --json --db "$db"
	check "$name: runs says so" [ "$(jq -r '.[0].verdict' "$T/out")" = "$verdict" ]
	no_traps_in "$db"
	run "$want" "$FIPSEV" show latest --db "$db"
	no_traps_in "$T/out"
	checks=$((checks + 1))
}

# Correct FIPS installs, CD + CI + STO: compliant on 0.31.x (upgraded from
# 0.31.0), 0.38.0 with global.fips in the chart's own values.yaml, 0.44.1,
# 0.45.0 stored by Helm 4, and 0.44.1 stored by the ConfigMap driver.
expect compliant 0 < /dev/null
expect compliant-044 0 < /dev/null
expect fips-in-chart-values 0 < /dev/null
expect helm4 0 < /dev/null
expect cm-driver 0 < /dev/null
db=$T/fips-in-chart-values.db
run 0 "$FIPSEV" show latest --json --db "$db"
check "chart values: the source named" [ "$(jq -r '[.evidence[] | select(.collector == "cluster")][0].document.helm.releases[0].revisions[-1].global_fips_sources | join(",")' "$T/out")" = \
	"chart.values (the chart's values.yaml)" ]
run 0 "$FIPSEV" show latest --json --db "$T/cm-driver.db"
check "configmap driver: the release read" [ "$(jq -r '[.evidence[] | select(.collector == "cluster")][0].document.helm.releases[0] | "\(.namespace)/\(.name) \(.smp_version) \(.current_revision)"' "$T/out")" = \
	"harness/harness 0.44.1 1" ]
run 0 "$FIPSEV" show latest --json --db "$T/compliant.db"
check "0.31: the upgrader noted, not failed" [ "$(jq -r '[.evidence[] | select(.collector == "cluster")][0].document.notes | map(select(test("upgrader"))) | length' "$T/out")" = 1 ]
check "STO's pipeline-only images noted" [ "$(jq -r '[.evidence[] | select(.collector == "inventory")][0].document.notes | map(select(test("pipeline step pods"))) | length' "$T/out")" = 1 ]
check "modules: CD (with srm), CI, STO, Platform" [ "$(jq -r '.inventory | map(select(.kind == "module")) | map(.key) | sort | join(",")' "$T/out")" = \
	"cd,ci,platform,sto" ]

# FIPS turned on by an upgrade from 0.30, and later on the same 0.43.
expect upgraded 1 << 'EOF'
release harness/harness: FIPS was not on from the first install: revision 1 ran without global.fips: true
EOF
expect fips-later 1 << 'EOF'
release harness/harness: FIPS was not on from the first install: revision 1 ran without global.fips: true
EOF
expect smp030 1 << 'EOF'
release harness/harness: SMP 0.30.0 is before 0.31.0, the first with FIPS support
release harness/harness: FIPS was not on from the first install: revision 1 ran SMP 0.30.0, before FIPS support (0.31.0)
delegate harness-delegate-ng/plain-delegate: FIPS_ENABLED is not known to be true (Secret plain-delegate-account-token (not read))
delegate harness-delegate-ng/plain-delegate: image docker.io/harness/delegate:25.07.86300 is not a FIPS build
module cd (Continuous Delivery) at release harness/harness: sub-charts cd, srm: supported in FIPS mode from SMP 0.31.0; this release runs 0.30.0
module ci (Continuous Integration) at release harness/harness: sub-chart ci: supported in FIPS mode from SMP 0.31.0; this release runs 0.30.0
module platform (Platform) at release harness/harness: sub-chart platform: supported in FIPS mode from SMP 0.31.0; this release runs 0.30.0
module sto (Security Testing Orchestration) at release harness/harness: sub-chart sto: supported in FIPS mode from SMP 0.31.0; this release runs 0.30.0
EOF

# A module, SRM the product and an opt-in feature the FIPS table does not name.
expect ff-enabled 1 << 'EOF'
module ff (Feature Flags) at release harness/harness: sub-chart ff: not in the FIPS support table
module srm (Service Reliability Management) at release harness/harness: global.srm.enabled: not in the FIPS support table
feature global.ngcustomdashboard.enabled (Platform) at release harness/harness: platform sub-charts ng-custom-dashboards, looker (off by default)
EOF

# CCM reading AWS and GCP billing through the chart's own keys: only the
# Kubernetes cluster cloud provider is supported (CCM itself is).
expect ccm-billing 1 << 'EOF'
connector CEAws (Cloud Cost Management) at release harness/harness: chart value ccm.batch-processing.cloudProviderConfig.S3_SYNC_CONFIG_BUCKET_NAME (CCM cloud billing): seed: CCM is supported with the Kubernetes cluster cloud provider only
connector GcpCloudCost (Cloud Cost Management) at release harness/harness: chart value ccm.batch-processing.cloudProviderConfig.GCP_PROJECT_ID (CCM cloud billing)
EOF

# Database passwords: measured from db-secrets.json (names and lengths
# only) and judged by the controls: MongoDB at the length the chart
# generates, an external PostgreSQL by secretName/passwordKey, TimescaleDB
# through secrets.kubernetesSecrets.
expect db-passwords 1 < /dev/null
pw_results() {
	sql "$1" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN runs r ON r.evaluation = d.sha256" |
		jq -r '[.findings[] | select(.check == "FIPS-DB-PASSWORD") | "\(.subject)=\(.result)"] | join(" ")'
}
check "db passwords: each judged" [ "$(pw_results "$T/db-passwords.db")" = \
	"harness/harness mongo=fail harness/harness postgres=pass harness/harness timescaledb=fail" ]
check "db passwords: a correct install passes" [ "$(pw_results "$T/compliant-044.db")" = \
	"harness/harness mongo=pass harness/harness postgres=pass harness/harness timescaledb=pass" ]
check "db passwords: the configmap driver" [ "$(pw_results "$T/cm-driver.db")" = \
	"harness/harness mongo=pass harness/harness postgres=pass harness/harness timescaledb=pass" ]
set +e
"$FIPSEV" collect --snapshot "$C/two-releases" --db "$T/pw-two.db" > /dev/null 2>&1
set -e
check "db passwords: every release" [ "$(pw_results "$T/pw-two.db" | tr ' ' '\n' | grep -c '^harness-qa/harness$')" = 3 ]
cp -r "$C/compliant-044" "$T/nopw"
rm "$T/nopw/db-secrets.json"
run 0 "$FIPSEV" collect --snapshot "$T/nopw" --db "$T/nopw.db"
check "no db-secrets.json: not collected, said" [ "$(pw_results "$T/nopw.db")" = "harness/harness=not-applicable" ]
# A Secret the snapshot does not have: missing, never a pass.
jq '.items |= map(select(.metadata.name != "postgres"))' "$C/compliant-044/db-secrets.json" > "$T/nopw/db-secrets.json"
run 1 "$FIPSEV" collect --snapshot "$T/nopw" --db "$T/nopw2.db"
check "a Secret not there: missing evidence" [ "$(pw_results "$T/nopw2.db")" = \
	"harness/harness mongo=pass harness/harness postgres=missing-evidence harness/harness timescaledb=pass" ]

# External Secrets Operator comes first: not followed, so not known.
cp -r "$C/compliant-044" "$T/eso"
edit_release "$T/eso/helm-releases.json" 'rel["config"]["global"]["database"]["mongo"]["secrets"] = {"secretManagement": {"externalSecretsOperator": [
    {"secretStore": {"name": "vault", "kind": "ClusterSecretStore"},
     "remoteKeys": {"MONGO_PASSWORD": {"name": "harness/mongo", "property": "password"}}}]}}'
run 1 "$FIPSEV" collect --snapshot "$T/eso" --db "$T/eso.db"
check "ESO: the password not known" [ "$(pw_results "$T/eso.db")" = \
	"harness/harness mongo=missing-evidence harness/harness postgres=pass harness/harness timescaledb=pass" ]

# secrets.kubernetesSecrets: the last item naming the variable is the one
# Helm renders.
cp -r "$C/compliant-044" "$T/ks"
edit_release "$T/ks/helm-releases.json" 'rel["config"]["global"]["database"].setdefault("postgres", {})["secrets"] = {"kubernetesSecrets": [
    {"secretName": "pg-old", "keys": {"POSTGRES_PASSWORD": "pw"}},
    {"secretName": "pg-new", "keys": {"POSTGRES_PASSWORD": "pw"}}]}'
jq '.items += [{metadata: {namespace: "harness", name: "pg-old"}, lengths: {pw: 30}},
	{metadata: {namespace: "harness", name: "pg-new"}, lengths: {pw: 9}}]' "$C/compliant-044/db-secrets.json" > "$T/ks/db-secrets.json"
run 1 "$FIPSEV" collect --snapshot "$T/ks" --db "$T/ks.db"
check "kubernetesSecrets: the last item counts" [ "$(pw_results "$T/ks.db")" = \
	"harness/harness mongo=pass harness/harness postgres=fail harness/harness timescaledb=pass" ]
# installed as a string: what Helm makes of it is not known.
cp -r "$C/compliant-044" "$T/instr"
edit_release "$T/instr/helm-releases.json" 'rel["config"]["global"]["database"]["mongo"]["installed"] = "false"'
run 1 "$FIPSEV" collect --snapshot "$T/instr" --db "$T/instr.db"
check "installed: \"false\" is not known" [ "$(pw_results "$T/instr.db" | cut -d' ' -f1-2)" = "harness/harness mongo=missing-evidence" ]
# A service that reads its own database password (a per-service override):
# what the workload reads is measured too; an optional reference to a
# Secret that is not there is not used.
cp -r "$C/compliant-044" "$T/svc"
jq '(.items[] | select(.metadata.name == "ng-manager") | .spec.template.spec.containers[0].env) += [
	{name: "TIMESCALE_PASSWORD", valueFrom: {secretKeyRef: {name: "ngm-tsdb", key: "password"}}},
	{name: "REDIS_PASSWORD", valueFrom: {secretKeyRef: {name: "absent", key: "pw", optional: true}}}]' \
	"$C/compliant-044/workloads.json" > "$T/svc/workloads.json"
jq '.items += [{metadata: {namespace: "harness", name: "ngm-tsdb"}, lengths: {password: 12}}]' \
	"$C/compliant-044/db-secrets.json" > "$T/svc/db-secrets.json"
run 1 "$FIPSEV" collect --snapshot "$T/svc" --db "$T/svc.db"
check "a workload's own password: measured" [ "$(pw_results "$T/svc.db")" = \
	"harness/harness mongo=pass harness/harness postgres=pass harness/harness timescaledb=pass harness/harness timescaledb=fail" ]
# ClickHouse enabled: the chart's clickhouse Secret, here not in the
# snapshot, so missing.
cp -r "$C/compliant-044" "$T/ch"
edit_release "$T/ch/helm-releases.json" 'rel["config"]["global"]["database"]["clickhouse"] = {"enabled": True}'
run 1 "$FIPSEV" collect --snapshot "$T/ch" --db "$T/ch.db"
check "ClickHouse enabled: its password wanted" [ "$(pw_results "$T/ch.db" | tr ' ' '\n' | grep '^clickhouse=')" = clickhouse=missing-evidence ]
# db-secrets.json there but unreadable: missing evidence, not "not collected".
cp -r "$C/compliant-044" "$T/pwdir"
rm "$T/pwdir/db-secrets.json"
mkdir "$T/pwdir/db-secrets.json"
run 1 "$FIPSEV" collect --snapshot "$T/pwdir" --db "$T/pwdir.db"
check "unreadable db-secrets.json: missing" [ "$(pw_results "$T/pwdir.db")" = \
	"harness/harness mongo=missing-evidence harness/harness postgres=missing-evidence harness/harness timescaledb=missing-evidence" ]

# --history-max 10: revision 1 gone. Before 0.43 no previous version is
# recorded; from 0.43 it names only the version before the last upgrade.
expect pruned 1 << 'EOF'
history pruned (oldest revision kept: 3) and global-smp-config has no PREVIOUS_SMP_VERSION (charts before 0.43.0 record none): cannot tell
EOF
expect pruned-043 1 << 'EOF'
history pruned (oldest revision kept: 3) and upgraded in place from SMP 0.38.0 (PREVIOUS_SMP_VERSION), which holds only the version before the last upgrade: cannot tell
EOF

# Two installs: every release must pass.
expect two-releases 1 << 'EOF'
release harness-qa/harness: global.fips is false in revision 1
release harness-qa/harness: FIPS was not on from the first install: revision 1 ran without global.fips: true
EOF

# Delegates: the flag without a FIPS image, an image by digest only, a
# non-FIPS upgrader where a -fips one ships; the chart's optional envFrom
# sources absent and not blamed; delegate-proxy not a delegate.
expect delegates 1 << 'EOF'
delegate harness-delegate-ng/nonfips-image: image docker.io/harnesssecure/delegate:26.06.89501.minimal is not a FIPS build
delegate harness-delegate-ng/by-digest: image docker.io/harnesssecure/delegate@sha256:abababababababababababababababababababababababababababababababab is pinned by digest only
delegate upgrader harness-delegate-ng/chart-delegate-upgrader-job: image docker.io/harnesssecure/upgrader:1.12.0 is not a FIPS build (SMP 0.44.1 ships upgrader:*-fips)
EOF
check "delegates: stored FIPS delegates count both conditions" [ "$(sql "$T/delegates.db" "SELECT delegates || '/' || delegates_fips FROM cluster_facts")" = 4/2 ]

expect nonfips-node 1 << 'EOF'
node ip-10-0-4-88.ec2.internal: not in FIPS mode
node ip-10-0-9-9.ec2.internal: no evidence from the node
EOF

# --- the controls: check by check, in the signed bundle's evidence.xml ---------
"$FIPSEV" keygen --out "$T/keys" > /dev/null
# result NAME CHECK: the results of one check in NAME's bundle, counted.
result() {
	xmllint --xpath "//*[local-name()='finding'][@check='$2']/@result" "$T/b-$1/evidence.xml" 2> /dev/null |
		tr ' ' '\n' | sed -n 's/^result="\(.*\)"$/\1/p' | sort | uniq -c | awk '{print $2 "=" $1}' | paste -sd, -
}
for f in compliant delegates hostile; do
	set +e
	"$FIPSEV" collect --snapshot "$C/$f" --db "$T/r-$f.db" > /dev/null 2>&1
	set -e
	run 0 "$FIPSEV" report latest --db "$T/r-$f.db" --out "$T/b-$f" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
	no_traps_in "$T/b-$f"
	check "$f: evidence.xml valid" xmllint --noout --schema "$TOP/templates/evidence.xsd" "$T/b-$f/evidence.xml"
	run 0 "$FIPSEV" verify "$T/b-$f" --ca "$T/keys/signing.crt"
	# One verdict: the store's, run.json's and evidence.xml's.
	v=$(sql "$T/r-$f.db" 'SELECT verdict FROM runs')
	check "$f: run.json agrees" [ "$(jq -r .verdict "$T/b-$f/run.json")" = "$v" ]
	check "$f: evidence.xml agrees" [ "$(grep -o 'verdict="[a-z]*"' "$T/b-$f/evidence.xml" | head -1)" = "verdict=\"$v\"" ]
done
check "the first two verdicts differ" [ "$(sql "$T/r-compliant.db" 'SELECT verdict FROM runs')$(sql "$T/r-delegates.db" 'SELECT verdict FROM runs')" = compliantnoncompliant ]

# This machine's node is also in the cluster's reports: the cluster's
# report is kept, and every output says what the one evaluation said
# (collect printed "NOT compliant" from the dropped document before).
cp -r "$SAMPLES/nodes/al2023-nonfips" "$T/me"
printf 'ip-10-0-3-17.ec2.internal\n' > "$T/me/proc/sys/kernel/hostname"
run 0 "$FIPSEV" collect --node --root "$T/me" --snapshot "$C/compliant" --db "$T/me.db"
check "same node twice: the cluster's kept" grep -q "is also in the cluster's reports: keeping the cluster's" "$T/out"
check "same node twice: compliant said" grep -q ", compliant$" "$T/out"
check "same node twice: stored so" [ "$(sql "$T/me.db" 'SELECT verdict FROM runs')" = compliant ]
run 0 "$FIPSEV" show latest --db "$T/me.db"
check "evaluation stored with its inputs" [ "$(sql "$T/me.db" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN runs r ON r.evaluation = d.sha256" | jq -r '.inputs | has("controls_sha256") and has("support_matrix_sha256") and has("chart_model_sha256")')" = true ]
check "compliant: delegates pass" [ "$(result compliant FIPS-DELEGATE)" = pass=2 ]
check "compliant: delegate images pass" [ "$(result compliant FIPS-DELEGATE-IMAGE)" = pass=2 ]
check "compliant: upgrader n/a before 0.33" [ "$(result compliant FIPS-DELEGATE-UPGRADER)" = not-applicable=1 ]
check "delegates: flags" [ "$(result delegates FIPS-DELEGATE)" = pass=4 ]
check "delegates: images" [ "$(result delegates FIPS-DELEGATE-IMAGE)" = "fail=1,missing-evidence=1,pass=2" ]
check "delegates: upgrader" [ "$(result delegates FIPS-DELEGATE-UPGRADER)" = fail=1 ]
# A snapshot made before CronJobs were collected: that evidence was not
# collected at all (a note), not missing.
cp -r "$C/compliant-044" "$T/old"
rm "$T/old/cronjobs.json"
run 0 "$FIPSEV" collect --snapshot "$T/old" --db "$T/old.db"
run 0 "$FIPSEV" report latest --db "$T/old.db" --out "$T/b-old" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "no cronjobs.json: upgrader not collected" [ "$(result old FIPS-DELEGATE-UPGRADER)" = not-applicable=1 ]
check "no cronjobs.json: said" grep -q "cronjobs.json is not in the snapshot" <(sql "$T/old.db" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents")
printf 'not json' > "$T/old/cronjobs.json"
run 1 "$FIPSEV" collect --snapshot "$T/old" --db "$T/old2.db"
run 0 "$FIPSEV" report latest --db "$T/old2.db" --out "$T/b-old2" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "broken cronjobs.json: missing evidence" [ "$(result old2 FIPS-DELEGATE-UPGRADER)" = missing-evidence=1 ]
# The upgrader mirrored under another name is still the upgrader.
cp -r "$C/delegates" "$T/mirror"
jq '(.items[].spec.jobTemplate.spec.template.spec.containers[] | select(.name == "upgrader") | .image) = "registry.local:5000/mirror/harness-upgrader:latest"' \
	"$C/delegates/cronjobs.json" > "$T/mirror/cronjobs.json"
run 1 "$FIPSEV" collect --snapshot "$T/mirror" --db "$T/mirror.db"
run 0 "$FIPSEV" report latest --db "$T/mirror.db" --out "$T/b-mirror" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "mirrored upgrader: judged" [ "$(result mirror FIPS-DELEGATE-UPGRADER)" = fail=1 ]
# A delegate chart release whose workloads are not there: not known.
cp -r "$C/compliant-044" "$T/nodel"
jq '.items |= map(select(.metadata.name != "chart-delegate"))' "$C/compliant-044/workloads.json" > "$T/nodel/workloads.json"
run 1 "$FIPSEV" collect --snapshot "$T/nodel" --db "$T/nodel.db"
check "delegate release without workloads: named" grep -q "delegate release harness-delegate-ng/chart-delegate (harness-delegate-ng): no delegate workload of it" \
	<(sql "$T/nodel.db" 'SELECT findings FROM cluster_facts')
# A release record without sub-charts says nothing of what runs.
cp -r "$C/compliant-044" "$T/nodeps"
edit_release "$T/nodeps/helm-releases.json" 'rel["chart"]["metadata"].pop("dependencies")'
run 1 "$FIPSEV" collect --snapshot "$T/nodeps" --db "$T/nodeps.db"
check "no sub-charts stored: unknown, not nothing" [ "$(sql "$T/nodeps.db" "SELECT supported FROM inventory_items WHERE seen_at LIKE '%chart.metadata.dependencies'")" = unknown ]
# Rendered by `helm template` (Argo CD): no release record at all, only what
# it rendered; the install is seen by its global-smp-config, not judged.
cp -r "$C/compliant-044" "$T/argo"
jq '.items = []' "$C/compliant-044/helm-releases.json" > "$T/argo/helm-releases.json"
run 1 "$FIPSEV" collect --snapshot "$T/argo" --db "$T/argo.db"
check "helm template install: not judged, said" grep -q "namespace harness holds an SMP install (global-smp-config, SMP_VERSION 0.44.1) whose Helm release was not read" \
	<(sql "$T/argo.db" 'SELECT findings FROM cluster_facts')
# An empty node list shows no node's FIPS mode: missing, never "all FIPS".
cp -r "$C/compliant-044" "$T/nonodes"
jq '.items = []' "$C/compliant-044/nodes.json" > "$T/nonodes/nodes.json"
rm -r "$T/nonodes/node-reports"
run 1 "$FIPSEV" collect --snapshot "$T/nonodes" --db "$T/nonodes.db"
check "no nodes: node checks missing evidence" [ "$(sql "$T/nonodes.db" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN runs r ON r.evaluation = d.sha256" |
	jq -r '[.findings[] | select(.check == "FIPS-NODE-KERNEL") | .result] | join(",")')" = missing-evidence ]
check "no nodes: the cluster says so" grep -q "the cluster's node list is empty" <(sql "$T/nonodes.db" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents")
# A version between two modelled ones is read with the older, and says so.
run 0 "$FIPSEV" show latest --json --db "$T/compliant.db"
check "0.31.3 is modelled: no note" [ "$(jq -r '[.evidence[] | select(.collector == "inventory")][0].document.notes | map(select(test("not in fipsev.s chart model"))) | length' "$T/out")" = 0 ]
# workloads.json is garbage: what delegates run is missing, not "none".
check "hostile: delegates missing, not absent" [ "$(result hostile FIPS-DELEGATE)" = missing-evidence=1 ]
check "hostile: delegate images missing, not absent" [ "$(result hostile FIPS-DELEGATE-IMAGE)" = missing-evidence=1 ]

finish
