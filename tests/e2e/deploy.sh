#!/usr/bin/env bash
# deploy.sh - the deployment as an operator applies it: deploy/base and
# the example overlay rendered with `kubectl kustomize`, every rendered
# object validated against the Kubernetes OpenAPI schema offline
# (tests/deploy/validate.mjs, npm kubernetes-models), the Dockerfile
# through a real Dockerfile parser (tests/deploy/dockerfile.cjs), the settings that
# matter checked in what was rendered, the signing Secret as `kubectl
# create secret tls --dry-run=client` makes it, and every YAML file
# through yamllint. (The parse of the CronJob and the RBAC's least
# privilege are in tests/unit/test_values.c.)
. "$(dirname "$0")/lib.sh"
D=$SAMPLES/../deploy
V=$TESTS/deploy
command -v yamllint > /dev/null || die "yamllint is not installed (scripts/install-deps installs it)"
lint='{extends: relaxed, rules: {line-length: {max: 120}}}'
for f in "$D"/base/*.yaml "$D"/overlays/*/*.yaml "$SAMPLES/fipsev.yaml" "$SAMPLES/demo/fipsev.yaml"; do
	check "yamllint ${f#"$D"/}" yamllint -s -d "$lint" "$f"
done
printf 'a: [1, 2\n' > "$T/broken.yaml"
check "yamllint catches a broken file" bash -c "! yamllint -d '$lint' '$T/broken.yaml' > /dev/null 2>&1"

# kustomize v4 (kubectl 1.21) or later renders what deploy/ uses; Debian
# 12's kubernetes-client (1.20, kustomize v2) is not checked here.
if ! command -v kubectl > /dev/null; then
	skip_part "kubectl is not installed: the kustomization is not rendered"
	finish
	exit
fi
minor=$(kubectl version --client -o json 2> /dev/null | jq -r '.clientVersion.minor' | tr -dc 0-9)
[ "${minor:-0}" -ge 21 ] || die "kubectl 1.${minor:-?} is older than 1.21, the oldest deploy/ is written for"
for k in base overlays/example; do
	run 0 kubectl kustomize "$D/$k"
	cp "$T/out" "$T/${k//\//-}.yaml"
done
R=$T/overlays-example.yaml
check "rendered: no Secret (the operator creates it)" bash -c "! grep -qx 'kind: Secret' '$R'"
python3 - "$R" > "$T/facts" << 'PY'
import sys, yaml
objs = [o for o in yaml.safe_load_all(open(sys.argv[1])) if o]
by = {(o["kind"], o["metadata"]["name"]): o for o in objs}
ns = {o["metadata"]["name"]: o["metadata"].get("labels", {}) for o in objs if o["kind"] == "Namespace"}
cj = by[("CronJob", "fipsev")]
pod = cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
ctr = pod["containers"][0]
cm = [o for o in objs if o["kind"] == "ConfigMap"][0]
vols = {v["name"]: v for v in pod["volumes"]}
print("ns-fipsev", ns["fipsev"].get("pod-security.kubernetes.io/enforce"))
print("ns-probes", ns["fipsev-probes"].get("pod-security.kubernetes.io/enforce"))
print("timezone", cj["spec"].get("timeZone"))
print("policy", cj["spec"]["concurrencyPolicy"])
print("image", ctr["image"])
print("limits", ctr["resources"]["limits"]["memory"])
print("tmp", vols["tmp"]["emptyDir"].get("sizeLimit"))
print("config", vols["config"]["configMap"]["name"] == cm["metadata"]["name"])
print("release", by[("Role", "fipsev-helm-reader")]["metadata"]["namespace"])
print("probe-role", by[("Role", "fipsev-probe")]["metadata"]["namespace"])
cfg = yaml.safe_load(cm["data"]["fipsev.yaml"])
print("cfg-release", cfg["cluster"]["release_namespace"])
print("cfg-probes", cfg["cluster"]["probe_namespace"])
print("cfg-key", cfg["signing"]["key"])
print("signing-mount", [m["mountPath"] for m in ctr["volumeMounts"] if m["name"] == "signing"][0])
PY
fact() { sed -n "s/^$1 //p" "$T/facts"; }
check "the job's namespace: restricted" [ "$(fact ns-fipsev)" = restricted ]
check "the probes' namespace: privileged, and theirs alone" [ "$(fact ns-probes)" = privileged ]
check "CronJob: timeZone" [ "$(fact timezone)" = Etc/UTC ]
check "CronJob: Forbid" [ "$(fact policy)" = Forbid ]
check "CronJob: the image by digest" grep -Eqx "image registry.example.com/fipsev@sha256:[0-9a-f]{64}" "$T/facts"
check "CronJob: a memory limit" [ -n "$(fact limits)" ]
check "CronJob: /tmp has a size limit" [ -n "$(fact tmp)" ]
check "CronJob: mounts the generated ConfigMap" [ "$(fact config)" = True ]
check "overlay: the release namespace" [ "$(fact release)" = harness-prod ]
check "overlay: the configuration agrees" [ "$(fact cfg-release)" = harness-prod ]
check "the probes' Role is in their namespace" [ "$(fact probe-role)" = "$(fact cfg-probes)" ]
check "the key path is under the Secret's mount" [ "$(dirname "$(fact cfg-key)")" = "$(fact signing-mount)" ]
# The Secret as the README's Deploy step makes it.
(cd "$T" && self_signed signing "fipsev evidence signing" ec:P-384 30)
run 0 kubectl -n fipsev create secret tls fipsev-signing --key "$T/signing.key" \
	--cert "$T/signing.crt" --dry-run=client -o yaml
cp "$T/out" "$T/secret.yaml"
check "the Secret: type kubernetes.io/tls" grep -qx "type: kubernetes.io/tls" "$T/secret.yaml"

if [ -d "$V/node_modules/kubernetes-models" ] && command -v node > /dev/null; then
	for f in base overlays-example secret; do
		set +e
		node "$V/validate.mjs" < "$T/$f.yaml" > "$T/valid" 2>&1
		st=$?
		set -e
		check "OpenAPI schema: every object of $f ($(grep -c '^ok' "$T/valid") objects; $(grep FAIL "$T/valid" | head -3))" [ "$st" = 0 ]
	done
	printf 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\nspec: {schedule: 3, jobTemplate: {spec: {template: {spec: {containers: []}}}}}\n' > "$T/bad.yaml"
	check "the schema check can fail" bash -c "! node '$V/validate.mjs' < '$T/bad.yaml' > /dev/null 2>&1"
	# The Dockerfile, through the Dockerfile language server's parser and
	# linter (dockerfile-utils): no diagnostics, a non-root numeric USER,
	# the OCI labels, the binary from the build stage.
	set +e
	node "$V/dockerfile.cjs" "$SAMPLES/../Dockerfile" > "$T/df" 2>&1
	st=$?
	set -e
	check "Dockerfile parsed and linted ($(tr '\n' ';' < "$T/df"))" [ "$st" = 0 ]
	printf 'FROM debian:12\nRUNN true\n' > "$T/Dockerfile.bad"
	check "the Dockerfile check can fail" bash -c "! node '$V/dockerfile.cjs' '$T/Dockerfile.bad' > /dev/null 2>&1"
else
	skip_part "the npm packages kubernetes-models and dockerfile-utils (scripts/install-deps installs them into tests/deploy)"
fi
finish
