#!/usr/bin/env bash
# cluster.sh - "fipsev collect --snapshot" on every fixture cluster in
# samples/cluster: what lands in the store (node evidence, release
# settings and history verdict, delegates), and that no secret from any
# fixture or values file reaches the database file.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster

# no_secrets DB: not one planted secret (lib.sh) in the database or its
# WAL, as raw bytes, nor in any document once inflated.
no_secrets() {
	local f
	sql "$1" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents" > "$T/all-documents"
	[ -s "$T/all-documents" ] || die "$1: no documents to search"
	for f in "$1" "$1-wal" "$1-shm" "$T/all-documents"; do
		[ -e "$f" ] || continue
		no_traps_in "$f"
	done
	checks=$((checks + 1))
}

fact() {
	sql "$1" "SELECT $2 FROM cluster_facts"
}

collect() {
	local want=$1 name=$2
	shift 2
	db=$T/$name.db
	run "$want" "$FIPSEV" collect --snapshot "$C/$name" --db "$db" "$@"
	store_sound "$db"
	no_secrets "$db"
}

# --- a compliant cluster ----------------------------------------------------
collect 0 compliant
check "compliant: summary" grep -q "2 nodes, 0 TLS endpoints, cluster evidence, module inventory, compliant" "$T/out"
check "compliant: facts" [ "$(fact "$db" "compliant, release, smp_version, global_fips, fips_since_first_install, nodes_listed, nodes_without_evidence, delegates, delegates_fips")" = \
	"1|harness/harness|0.31.3|1|1|2|0|2|2" ]
check "compliant: node evidence stored" [ "$(sql "$db" "SELECT count(*) FROM node_facts WHERE compliant = 1")" = 2 ]
check "compliant: node report bytes kept" [ "$(sql "$db" "SELECT e.sha256 FROM evidence e WHERE subject = 'ip-10-0-3-17.ec2.internal'")" = \
	"$(sha256sum < "$C/compliant/node-reports/ip-10-0-3-17.ec2.internal.json" | cut -d' ' -f1)" ]
run 0 "$FIPSEV" show latest --json --db "$db"
cluster_doc() {
	jq "[.evidence[] | select(.collector == \"cluster\")][0].document | $1" "$T/out"
}
check "show: revisions" [ "$(cluster_doc '[.helm.releases[0].revisions[].revision] | map(tostring) | join(",")')" = '"1,2"' ]
# As Helm stores them: the kept sub-charts only, harness-common and srm too.
check "show: dependencies" [ "$(cluster_doc '[.helm.releases[0].revisions[0].dependencies[] | select(.enabled) | .name] | join(",")')" = '"harness-common,cd,ci,platform,srm,sto"' ]
check "show: delegates" [ "$(cluster_doc '[.delegates[] | "\(.name):\(.fips_enabled):\(.fips_enabled_source)"] | join(",")')" = \
	'"chart-delegate:true:env,manifest-delegate:true:env"' ]
check "show: delegate-proxy is no delegate" [ "$(cluster_doc '[.delegates[] | select(.image | test("delegate-proxy"))] | length')" = 0 ]
check "show: the delegate chart's release is a delegate's" [ "$(cluster_doc '.helm.delegate_releases | map("\(.namespace)/\(.name) \(.chart_version)") | join(",")')" = \
	'"harness-delegate-ng/chart-delegate 1.0.32"' ]
check "show: FIPS images" [ "$(cluster_doc '[.delegates[].fips_image] | all')" = true ]
check "show: TLS targets" [ "$(cluster_doc '[.tls_targets[] | "\(.target)/\(.starttls)"] | join(",")')" = \
	'"smtp.example.com:587/smtp,harness.example.com:443/null,203.0.113.10:443/null,203.0.113.10:80/null,10.0.0.1:30443/null"' ]
check "show: node info" [ "$(cluster_doc '.nodes[0] | "\(.kubelet_version) \(.labels["eks.amazonaws.com/nodegroup"])"')" = '"v1.29.3-eks-ae9a62a bottlerocket-fips-ng"' ]
check "show: values kept, secrets marked" [ "$(cluster_doc '.helm.releases[0].revisions[0].values_user | "\(.global.fips) \(.global.license.ng | startswith("<redacted hmac-sha256:")) \(.global.ci.enabled)"')" = \
	'"true true true"' ]
check "show: chart defaults kept, secrets marked" [ "$(cluster_doc '.helm.releases[0].revisions[0].values_chart.global | "\(.fips) \(.database.postgres.passwordKey | startswith("<redacted"))"')" = '"null true"' ]
# Read before redaction: the SMTP server and the databases' Secret names.
check "show: SMTP evidence" [ "$(cluster_doc '.helm.releases[0].revisions[-1].evidence.smtp | "\(.host):\(.port) \(.tls)"')" = '"smtp.example.com:587 starttls"' ]
check "show: database evidence" [ "$(cluster_doc '.helm.releases[0].revisions[-1].evidence.databases.postgres | "\(.installed) \(.secretName) \(.passwordKey)"')" = '"true postgres-secret password"' ]
check "show: global.fips source" [ "$(cluster_doc '.helm.releases[0].revisions[-1].global_fips_sources | join(",")')" = '"config (the user'"'"'s values)"' ]
check "show: redaction counted" [ "$(cluster_doc '.helm.releases[0].revisions[0].values_redacted')" -ge 10 ]
run 0 "$FIPSEV" show latest --db "$db"
check "show: text" grep -q "FIPS from the first install: yes" "$T/out"
# The same snapshot again: identical evidence, stored once.
run 0 "$FIPSEV" collect --snapshot "$C/compliant" --db "$db"
check "compliant: stored once" [ "$(sql "$db" "SELECT count(DISTINCT sha256) FROM evidence WHERE collector = 'cluster'")" = 1 ]

# --- one node not in FIPS mode, one without evidence ------------------------
collect 1 nonfips-node
check "nonfips: counts" [ "$(fact "$db" "nodes_listed, nodes_without_evidence")" = "4|1" ]
check "nonfips: non-FIPS node" grep -q "node ip-10-0-4-88.ec2.internal: not in FIPS mode" <(fact "$db" findings)
check "nonfips: missing evidence" grep -q "node ip-10-0-9-9.ec2.internal: no evidence from the node" <(fact "$db" findings)
check "nonfips: run verdict" [ "$(sql "$db" 'SELECT verdict FROM runs')" = noncompliant ]

# --- FIPS turned on by an upgrade -------------------------------------------
collect 1 upgraded
check "upgraded: not from the first install" [ "$(fact "$db" "global_fips, fips_since_first_install")" = "1|0" ]
check "upgraded: says why" grep -q "revision 1 ran without global.fips: true" <(fact "$db" findings)

# --- SMP 0.30 -------------------------------------------------------------------
collect 1 smp030
check "smp030: version" [ "$(fact "$db" smp_version)" = 0.30.0 ]
check "smp030: before FIPS support" grep -q "SMP 0.30.0 is before 0.31.0" <(fact "$db" findings)
# The manifest's delegate takes its token Secret whole (envFrom): the flag
# could be there, so it is not known, not "not set".
check "smp030: plain delegate" grep -q "delegate harness-delegate-ng/plain-delegate: FIPS_ENABLED is not known to be true (Secret plain-delegate-account-token (not read))" <(fact "$db" findings)
check "smp030: plain image" grep -q "delegate harness-delegate-ng/plain-delegate: image docker.io/harness/delegate:25.07.86300 is not a FIPS build" <(fact "$db" findings)

# --- history pruned: cannot tell, and says so --------------------------------
collect 1 pruned
check "pruned: unknown" [ "$(fact "$db" "fips_since_first_install IS NULL")" = 1 ]
check "pruned: says why" grep -q "history pruned (oldest revision kept: 3) and global-smp-config has no PREVIOUS_SMP_VERSION" <(fact "$db" findings)

# --- hostile snapshot: every problem named, nothing crashes -------------------
collect 1 hostile
f=$(fact "$db" findings)
check "hostile: garbage file" grep -q "workloads.json cannot be read as a Kubernetes list: it is not a JSON object" <<< "$f"
check "hostile: missing file" grep -q "ingresses.json is missing from the snapshot" <<< "$f"
check "hostile: node name" grep -q "a node with an unusable name ('../../etc/passwd')" <<< "$f"
check "hostile: truncated gzip" grep -q "sh.helm.release.v1.harness.v2: truncated gzip" <<< "$f"
check "hostile: not JSON" grep -q "sh.helm.release.v1.harness.v3: the release is not JSON" <<< "$f"
check "hostile: the good revision still read" [ "$(fact "$db" "global_fips, smp_version")" = "1|0.31.3" ]

# --- values files: judged, never stored -----------------------------------------
cat > "$T/traps.yaml" << 'EOF'
base: &base
  password: YAML-ALIAS-TRAP
global:
  fips: yes
  database: *base
smtp:
  pass: "YAML-PASSWORD-TRAP"
  tlsCert: |
    -----BEGIN CERTIFICATE-----
    YAML-PEM-TRAP
    -----END CERTIFICATE-----
harness:
  <<: *base
  delegateToken: YAML-TOKEN-TRAP
EOF
printf 'global:\n  fips: false\n' > "$T/off.yaml"
collect 0 compliant --values "$T/traps.yaml"
run 0 "$FIPSEV" show latest --json --db "$db"
check "values: global.fips from YAML 'yes'" [ "$(cluster_doc '.values_files.global_fips')" = true ]
check "values: digest recorded" [ "$(cluster_doc '.values_files.files[0].sha256')" = "\"$(sha256sum < "$T/traps.yaml" | cut -d' ' -f1)\"" ]
collect 1 compliant --values "$T/traps.yaml" --values "$T/off.yaml"
check "values: merged in order" grep -q "the values files given do not set global.fips: true" <(fact "$db" findings)

# --- the TLS endpoints the cluster names, scanned --------------------------------
(cd "$T" && self_signed k localhost)
port=$(free_port)
openssl s_server -accept "127.0.0.1:$port" -www -quiet -cert "$T/k.crt" -key "$T/k.key" \
	-cipher ECDHE-RSA-AES128-GCM-SHA256 -ciphersuites TLS_AES_128_GCM_SHA256 \
	-groups P-256 -sigalgs RSA-PSS+SHA256:RSA+SHA256 > /dev/null 2>&1 < /dev/null &
disown
wait_port 127.0.0.1 "$port"
cp -r "$C/compliant" "$T/local"
jq --argjson p "$port" '.items[0].status.loadBalancer.ingress[0].ip = "127.0.0.1" |
	.items[0].spec.ports = [{"port": $p}]' "$C/compliant/services.json" > "$T/local/services.json"
db=$T/discovered.db
run 0 "$FIPSEV" collect --snapshot "$T/local" --scan-discovered \
	--exclude-tls harness.example.com:443 --exclude-tls smtp.example.com:587 \
	--exclude-tls 10.0.0.1:30443 --db "$db"
check "discovered: summary" grep -q "2 nodes, 1 TLS endpoint, cluster evidence, module inventory, compliant" "$T/out"
check "discovered: scanned" [ "$(sql "$db" 'SELECT target, compliant FROM tls_facts')" = "127.0.0.1:$port|1" ]
run 2 "$FIPSEV" collect --node --scan-discovered --db "$db"
check "discovered: needs a cluster" grep -q "\-\-scan-discovered needs a cluster" "$T/err"

# --- bad input: one line, nothing stored ------------------------------------------
db=$T/bad.db
run 0 "$FIPSEV" collect --snapshot "$C/compliant" --db "$db"
before=$(runs_fingerprint "$db")
printf 'global:\n  fips: [unclosed\n' > "$T/broken.yaml"
run 2 "$FIPSEV" collect --snapshot "$C/compliant" --values "$T/broken.yaml" --db "$db"
check "broken YAML: one line naming file and line" grep -qx "fipsev: $T/broken.yaml line [0-9]*: .*" "$T/err"
check "broken YAML: one line" [ "$(wc -l < "$T/err")" = 1 ]
{
	echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'
	for i in b c d e f g h; do
		prev=$(printf '%s' "$i" | tr 'b-h' 'a-g')
		echo "$i: &$i [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
	done
} > "$T/bomb.yaml"
run 2 "$FIPSEV" collect --snapshot "$C/compliant" --values "$T/bomb.yaml" --db "$db"
check "alias bomb refused" grep -q "too many nodes" "$T/err"
run 2 "$FIPSEV" collect --snapshot "$T/nowhere" --db "$db"
check "no snapshot dir" grep -qx "fipsev: snapshot '$T/nowhere' is not a directory" "$T/err"
run 2 "$FIPSEV" collect --values "$T/off.yaml" --db "$db"
check "values need a snapshot" grep -q "\-\-values needs --snapshot" "$T/err"
check "bad input: earlier runs untouched" [ "$(runs_fingerprint "$db")" = "$before" ]
store_sound "$db"

finish
