#!/usr/bin/env bash
# kube.sh - "fipsev collect --kubeconfig / --in-cluster" against a fake
# Kubernetes API server over HTTPS with a test CA, serving the fixture
# clusters: paging, a 429 and a 500 that succeed on retry, a list that
# always fails, a refused token, a wrong CA, kubeconfigs fipsev must
# refuse. What lands in the store must match the snapshot of the same
# fixture.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
cd "$T"

# A test CA and the server's certificate for 127.0.0.1; a second CA that
# did not sign it.
self_signed ca fake-kube-ca rsa:2048 30
signed_by ca api kube-apiserver IP:127.0.0.1,DNS:localhost rsa:2048 30
self_signed other other-ca rsa:2048 30
TOKEN=fake-token-TRAP-4711

# fake NAME FIXTURE [OPTIONS...]: start a fake API; sets PORT_<NAME>.
fake() {
	local name=$1 fixture=$2
	shift 2
	start_fake "$name" kube/fake_api.py --cert api.crt --key api.key \
		--fixture "$C/$fixture" --token "$TOKEN" --log "$T/$name.log" "$@"
}

# kubeconfig FILE PORT [CA_FILE] [EXTRA_CLUSTER_YAML] [USER_YAML]
kubeconfig() {
	local file=$1 port=$2 ca=${3:-ca.crt} extra=${4:-} user=${5:-"token: $TOKEN"}
	cat > "$file" << EOF
apiVersion: v1
kind: Config
current-context: fake
contexts:
- name: fake
  context: {cluster: fake, user: fipsev}
- name: by-files
  context: {cluster: by-files, user: by-files}
clusters:
- name: fake
  cluster:
    server: https://127.0.0.1:$port/
    certificate-authority-data: $(base64 -w0 < "$ca")
$extra
- name: by-files
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $T/ca.crt
users:
- name: fipsev
  user:
    $user
- name: by-files
  user:
    tokenFile: $T/token
EOF
}
printf '%s\n' "$TOKEN" > token

fake good compliant --page 1 --flaky
fake broken compliant --broken /api/v1/configmaps
fake cut compliant --cut /api/v1/nodes
fake upgraded upgraded

# --- the compliant cluster over the API equals its snapshot ---------------
kubeconfig kc "$PORT_good"
db=$T/api.db
run 0 "$FIPSEV" collect --kubeconfig kc --node-reports "$C/compliant/node-reports" --db "$db"
check "api: summary" grep -q "2 nodes, 0 TLS endpoints, cluster evidence, module inventory, compliant" "$T/out"
facts="compliant, release, smp_version, global_fips, fips_since_first_install, nodes_listed, nodes_without_evidence, delegates, delegates_fips"
run 0 "$FIPSEV" collect --snapshot "$C/compliant" --db "$T/snap.db"
check "api: same facts as the snapshot" [ "$(sql "$db" "SELECT $facts FROM cluster_facts")" = \
	"$(sql "$T/snap.db" "SELECT $facts FROM cluster_facts")" ]
check "api: paged (one item a page)" [ "$(grep -c '^GET /api/v1/secrets.*continue=' good.log)" -ge 2 ]
check "api: 429 retried" [ "$(grep -c '^GET /api/v1/nodes' good.log)" -ge 3 ]
check "api: 500 retried" [ "$(grep -c '^GET /api/v1/configmaps' good.log)" -ge 2 ]
check "api: label selector sent" grep -q 'labelSelector=owner%3Dhelm' good.log
run 0 "$FIPSEV" show latest --json --db "$db"
check "api: source recorded" [ "$(jq -r '[.evidence[] | select(.collector == "cluster")][0].document.source | "\(.kind) \(.server)"' "$T/out")" = \
	"api https://127.0.0.1:$PORT_good" ]
check "api: workload kinds restored" [ "$(jq -r '[.evidence[] | select(.collector == "cluster")][0].document.images | map(.kind) | unique | join(",")' "$T/out")" = \
	Deployment,StatefulSet ]
store_sound "$db"
check "api: token not stored" bash -c "! grep -a -q -F '$TOKEN' '$db' '$db-wal' 2> /dev/null"
# Database passwords: each Secret read by name and measured; the lengths
# are the snapshot's, the values (planted DBPW-TRAP) nowhere.
check "api: database Secrets read by name" grep -q '^GET /api/v1/namespaces/harness/secrets/mongodb-replicaset-chart$' good.log
dbpw() { jq -c '[.evidence[] | select(.collector == "cluster")][0].document.helm.releases[0].db_passwords' "$T/out"; }
run 0 "$FIPSEV" show latest --json --db "$db"
api_pw=$(dbpw)
run 0 "$FIPSEV" show latest --json --db "$T/snap.db"
check "api: password lengths as the snapshot's" [ "$api_pw" = "$(dbpw)" ]
check "api: three passwords measured" [ "$(jq -r 'map(.length) | join(",")' <<< "$api_pw")" = 24,24,24 ]
no_traps_in "$db"
# Lengths that need base64 padding, passwords too short: read live, the
# same as from the snapshot.
fake pw db-passwords
kubeconfig kc-pw "$PORT_pw"
run 1 "$FIPSEV" collect --kubeconfig kc-pw --node-reports "$C/db-passwords/node-reports" --db "$T/pw.db"
run 1 "$FIPSEV" show latest --json --db "$T/pw.db"
check "api: short passwords measured" [ "$(dbpw | jq -r 'map("\(.database)=\(.length)") | join(",")')" = mongo=10,postgres=20,timescaledb=8 ]
no_traps_in "$T/pw.db"

# Without node reports, every node is missing evidence, and says so.
run 1 "$FIPSEV" collect --kubeconfig kc --db "$T/noreports.db"
check "api: nodes without evidence" [ "$(sql "$T/noreports.db" 'SELECT nodes_without_evidence FROM cluster_facts')" = 2 ]
check "api: says why" grep -q "no node reports were given (--node-reports DIR) and no probe image (--probe-image)" <(sql "$T/noreports.db" 'SELECT findings FROM cluster_facts')

# Another context, with a CA file and a token file.
run 1 "$FIPSEV" collect --kubeconfig kc --context by-files --db "$T/files.db"
check "api: context by files" [ "$(sql "$T/files.db" 'SELECT release FROM cluster_facts')" = harness/harness ]

# The upgraded cluster: the history verdict comes through the API too.
kubeconfig kc-up "$PORT_upgraded"
run 1 "$FIPSEV" collect --kubeconfig kc-up --node-reports "$C/upgraded/node-reports" --db "$T/up.db"
check "api: upgraded" [ "$(sql "$T/up.db" 'SELECT global_fips, fips_since_first_install FROM cluster_facts')" = "1|0" ]

# A list that always fails is missing evidence, named; the rest is kept.
kubeconfig kc-broken "$PORT_broken"
run 1 "$FIPSEV" collect --kubeconfig kc-broken --node-reports "$C/compliant/node-reports" --db "$T/broken.db"
check "api: failing list named" grep -q "cannot list /api/v1/configmaps: server https://127.0.0.1:$PORT_broken answered HTTP 500 for /api/v1/configmaps?limit=500 (after 5 tries)" \
	<(sql "$T/broken.db" 'SELECT findings FROM cluster_facts')
check "api: the rest kept" [ "$(sql "$T/broken.db" 'SELECT release, delegates FROM cluster_facts')" = "harness/harness|2" ]

# A server that drops the connection half-way through the node list: the
# list is missing evidence, named, and the rest is collected.
kubeconfig kc-cut "$PORT_cut"
run 1 "$FIPSEV" collect --kubeconfig kc-cut --node-reports "$C/compliant/node-reports" --db "$T/cut.db"
check "api cut: the list named" grep -q "cannot list /api/v1/nodes: .*127.0.0.1:$PORT_cut" \
	<(sql "$T/cut.db" 'SELECT findings FROM cluster_facts')
check "api cut: the rest kept" [ "$(sql "$T/cut.db" 'SELECT release, delegates FROM cluster_facts')" = "harness/harness|2" ]
store_sound "$T/cut.db"

# --- RBAC: a list the credentials may not read is missing evidence -----------
fake rbac compliant --forbid /api/v1/secrets
kubeconfig kc-rbac "$PORT_rbac"
run 1 "$FIPSEV" collect --kubeconfig kc-rbac --node-reports "$C/compliant/node-reports" --db "$T/rbac.db"
check "rbac: 403 named, not fatal" grep -q "forbids GET /api/v1/secrets?labelSelector=owner%3Dhelm&limit=500 to these credentials (HTTP 403)" \
	<(sql "$T/rbac.db" 'SELECT findings FROM cluster_facts')
run 0 "$FIPSEV" collect --kubeconfig kc-rbac --release-namespace harness \
	--node-reports "$C/compliant/node-reports" --db "$T/rbac.db"
check "rbac: releases of one namespace" grep -q '^GET /api/v1/namespaces/harness/secrets?labelSelector=owner%3Dhelm' rbac.log
# Two installs, a Role in each namespace: every release must pass.
fake two two-releases --forbid /api/v1/secrets
kubeconfig kc-two "$PORT_two"
# Only one of them named: the other install is seen, not judged, and
# that is missing evidence.
run 1 "$FIPSEV" collect --kubeconfig kc-two --release-namespace harness \
	--node-reports "$C/two-releases/node-reports" --db "$T/two.db"
check "two namespaces, one named: the other install named" grep -q "namespace harness-qa holds an SMP install (global-smp-config, SMP_VERSION 0.44.1) whose Helm release was not read" \
	<(sql "$T/two.db" 'SELECT findings FROM cluster_facts WHERE run_id = 1')
run 1 "$FIPSEV" collect --kubeconfig kc-two --release-namespace harness \
	--release-namespace harness-qa --node-reports "$C/two-releases/node-reports" --db "$T/two.db"
check "two namespaces: both listed" [ "$(grep -c '^GET /api/v1/namespaces/harness\(-qa\)\?/secrets?labelSelector=owner%3Dhelm' two.log)" = 3 ]
check "two namespaces: the second release judged" grep -q "release harness-qa/harness: global.fips is false" \
	<(sql "$T/two.db" 'SELECT findings FROM cluster_facts WHERE run_id = 2')
run 2 "$FIPSEV" collect --kubeconfig kc-rbac --release-namespace 'a/b?c' --db "$T/rbac.db"
check "rbac: bad namespace" grep -q "namespace 'a/b?c' is not a Kubernetes namespace name" "$T/err"

# --- probe pods: each node read by a pod pinned to it --------------------------
fake probes nonfips-node --pods "$T/pods.json" --stuck-node ip-10-0-9-9.ec2.internal
kubeconfig kc-probe "$PORT_probes"
run 1 env FIPSEV_TEST_PROBE_POLL_MS=100 "$FIPSEV" collect --kubeconfig kc-probe \
	--probe-image registry.example/fipsev:1 --probe-namespace fipsev-probes \
	--probe-timeout 2 --db "$T/probe.db"
check "probes: one pod a node" [ "$(wc -l < pods.json)" = 4 ]
check "probes: pinned to each node" [ "$(jq -r .spec.nodeName pods.json | sort | tr '\n' ' ')" = \
	"ip-10-0-1-23.us-west-2.compute.internal ip-10-0-3-17.ec2.internal ip-10-0-4-88.ec2.internal ip-10-0-9-9.ec2.internal " ]
check "probes: read-only host mounts" [ "$(jq -r '[.spec.containers[0].volumeMounts[] | "\(.mountPath):\(.readOnly)"] | join(",")' pods.json | sort -u)" = \
	"/host/proc:true,/host/etc:true,/host/usr/lib:true" ]
check "probes: no token, no privilege" [ "$(jq -r '"\(.spec.automountServiceAccountToken) \(.spec.containers[0].securityContext.allowPrivilegeEscalation) \(.spec.containers[0].command | join(" "))"' pods.json | sort -u)" = \
	"false false fipsev node --root /host --json" ]
check "probes: hardened (seccomp, no capabilities, a Linux node, limits)" [ "$(jq -r '"\(.spec.securityContext.seccompProfile.type) \(.spec.containers[0].securityContext.capabilities.drop | join(",")) \(.spec.nodeSelector["kubernetes.io/os"]) \(.spec.containers[0].resources.limits.memory) \(.spec.containers[0].resources.requests.cpu)"' pods.json | sort -u)" = \
	"RuntimeDefault ALL linux 128Mi 10m" ]
check "probes: Bottlerocket's SELinux type on its node alone" [ "$(jq -r '"\(.spec.nodeName) \(.spec.securityContext.seLinuxOptions.type // "-")"' pods.json | sort | tr '\n' ' ')" = \
	"ip-10-0-1-23.us-west-2.compute.internal container_t ip-10-0-3-17.ec2.internal - ip-10-0-4-88.ec2.internal - ip-10-0-9-9.ec2.internal - " ]
check "probes: no pull Secret unless asked" [ "$(jq -r '.spec.imagePullSecrets // "none"' pods.json | sort -u)" = none ]
check "probes: every pod deleted" [ "$(grep -c '^POST /api/v1/namespaces/fipsev-probes/pods' probes.log)" = \
	"$(grep -c '^DELETE /api/v1/namespaces/fipsev-probes/pods/' probes.log)" ]
check "probes: evidence stored" [ "$(sql "$T/probe.db" 'SELECT count(*) FROM node_facts')" = 3 ]
check "probes: stuck node named" grep -q "node ip-10-0-9-9.ec2.internal: no evidence from the node (probe pod fipsev-probe-[0-9]* did not finish within 2 s (phase Pending))" \
	<(sql "$T/probe.db" 'SELECT findings FROM cluster_facts')
check "probes: counts" [ "$(sql "$T/probe.db" 'SELECT nodes_listed, nodes_without_evidence FROM cluster_facts')" = "4|1" ]
check "probes: no progress into a pipe" absent "probing nodes" "$T/err"
# The options: a pull Secret, an SELinux type for every node, or none.
rm -f pods.json
run 1 env FIPSEV_TEST_PROBE_POLL_MS=100 "$FIPSEV" collect --kubeconfig kc-probe \
	--probe-image registry.example/fipsev:1 --probe-namespace fipsev-probes \
	--probe-timeout 2 --probe-parallel 2 --probe-pull-secret regcred \
	--probe-selinux-type control_t --db "$T/probe2.db"
check "probes: the pull Secret" [ "$(jq -r '.spec.imagePullSecrets[0].name' pods.json | sort -u)" = regcred ]
check "probes: the SELinux type given, on every node" [ "$(jq -r '.spec.securityContext.seLinuxOptions.type' pods.json | sort -u)" = control_t ]
rm -f pods.json
run 1 env FIPSEV_TEST_PROBE_POLL_MS=100 "$FIPSEV" collect --kubeconfig kc-probe \
	--probe-image registry.example/fipsev:1 --probe-namespace fipsev-probes \
	--probe-timeout 2 --probe-selinux-type none --db "$T/probe3.db"
check "probes: SELinux type none: never set" [ "$(jq -r '.spec.securityContext.seLinuxOptions // "unset"' pods.json | sort -u)" = unset ]
run 2 "$FIPSEV" collect --kubeconfig kc-probe --probe-image x --probe-parallel 65 --db "$T/x.db"
check "probes: parallel bounded" grep -q "probe-parallel '65': give 1 to 64" "$T/err"
# The same on a terminal (script(1)): the probes count up to every node.
TERM=xterm script -qec "env FIPSEV_TEST_PROBE_POLL_MS=100 $FIPSEV collect --kubeconfig kc-probe \
	--probe-image registry.example/fipsev:1 --probe-namespace fipsev-probes \
	--probe-timeout 2 --db $T/probe-tty.db" /dev/null > "$T/tty" || true
check "probes: progress on a terminal" grep -aq "probing nodes 4/4" "$T/tty"
run 2 "$FIPSEV" collect --snapshot "$C/compliant" --probe-image x --db "$T/x.db"
check "probes need the API" grep -q "go with --kubeconfig or --in-cluster" "$T/err"

# --- a client certificate instead of a token -------------------------------------
signed_by ca client fipsev "" ec:P-256
fake mtls compliant --client-ca ca.crt
kubeconfig kc-mtls "$PORT_mtls" ca.crt "" "client-certificate-data: $(base64 -w0 < client.crt)
    client-key-data: $(base64 -w0 < client.key)"
run 0 "$FIPSEV" collect --kubeconfig kc-mtls --node-reports "$C/compliant/node-reports" --db "$T/mtls.db"
check "client certificate: data" [ "$(sql "$T/mtls.db" 'SELECT release FROM cluster_facts')" = harness/harness ]
kubeconfig kc-mtls-files "$PORT_mtls" ca.crt "" "client-certificate: client.crt
    client-key: $T/client.key"
run 0 "$FIPSEV" collect --kubeconfig kc-mtls-files --node-reports "$C/compliant/node-reports" --db "$T/mtls.db"
check "client certificate: files" [ "$(sql "$T/mtls.db" 'SELECT count(*) FROM cluster_facts')" = 2 ]
check "client key not stored" bash -c "! grep -a -q -F '$(sed -n 2p client.key)' '$T/mtls.db' '$T/mtls.db-wal' 2> /dev/null"

# --- in-cluster: the pod's service account -----------------------------------
mkdir sa
cp ca.crt sa/ca.crt
printf '%s\n' "$TOKEN" > sa/token
run 0 env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT="$PORT_good" \
	FIPSEV_SA_DIR="$T/sa" "$FIPSEV" collect --in-cluster \
	--node-reports "$C/compliant/node-reports" --db "$T/incluster.db"
check "in-cluster: release" [ "$(sql "$T/incluster.db" 'SELECT release FROM cluster_facts')" = harness/harness ]
run 2 env -u KUBERNETES_SERVICE_HOST "$FIPSEV" collect --in-cluster --db "$T/x.db"
check "in-cluster: not in a pod" grep -q "not in a cluster (KUBERNETES_SERVICE_HOST and _PORT are not set)" "$T/err"

# --- refused: one line naming the server, nothing stored ---------------------
before=$(runs_fingerprint "$db")
kubeconfig kc-badtoken "$PORT_good" ca.crt "" "token: wrong-token"
run 2 "$FIPSEV" collect --kubeconfig kc-badtoken --db "$db"
check "bad token: one line" [ "$(cat "$T/err")" = \
	"fipsev: server https://127.0.0.1:$PORT_good refused the credentials (HTTP 401 for /api/v1/nodes?limit=500)" ]
kubeconfig kc-badca "$PORT_good" other.crt
run 2 "$FIPSEV" collect --kubeconfig kc-badca --db "$db"
check "bad CA: names the server" grep -q "^fipsev: cannot verify server https://127.0.0.1:$PORT_good: " "$T/err"
check "bad CA: one line" [ "$(wc -l < "$T/err")" = 1 ]
kubeconfig kc-insecure "$PORT_good" ca.crt "    insecure-skip-tls-verify: true"
run 2 "$FIPSEV" collect --kubeconfig kc-insecure --db "$db"
check "insecure refused" grep -q "sets insecure-skip-tls-verify; fipsev always verifies the API server" "$T/err"
kubeconfig kc-exec "$PORT_good" ca.crt "" "exec: {command: aws, args: [eks, get-token]}"
run 2 "$FIPSEV" collect --kubeconfig kc-exec --db "$db"
check "exec plugin refused" grep -q "gets credentials from a plugin" "$T/err"
run 2 "$FIPSEV" collect --kubeconfig kc --context nope --db "$db"
check "unknown context" grep -qx "fipsev: kubeconfig 'kc': no context 'nope'" "$T/err"
port=$(free_port)
kubeconfig kc-dead "$port"
run 2 "$FIPSEV" collect --kubeconfig kc-dead --db "$db"
check "dead server: one line" grep -q "^fipsev: server https://127.0.0.1:$port: .*(after 5 tries)$" "$T/err"
check "refusals stored nothing" [ "$(runs_fingerprint "$db")" = "$before" ]
run 2 "$FIPSEV" collect --kubeconfig kc --snapshot "$C/compliant" --db "$db"
check "one source only" grep -q "give one of --snapshot, --kubeconfig and --in-cluster" "$T/err"
store_sound "$db"

finish
