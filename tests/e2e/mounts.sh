#!/usr/bin/env bash
# mounts.sh - 'fipsev run' from a signing Secret and a fipsev-config
# ConfigMap laid out as the kubelet lays them out, run as the image's
# non-root user (uid 10001) with the pod's fsGroup as a supplementary
# group:
#   VOLUME/..2026_12_02_05_00_00.123456789/KEY   the files (root-owned)
#   VOLUME/..data -> ..2026_12_02_05_00_00.123456789
#   VOLUME/KEY -> ..data/KEY
# A Secret's defaultMode 0400 becomes 0440 root:fsGroup (the kubelet adds
# group read for a read-only volume), a ConfigMap's 0644 stays 0644,
# root:fsGroup. Then the key modes fipsev must refuse, each with its one
# line. Needs root (to own files as root and run as another user) and
# setpriv.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root, to lay the mounts out as the kubelet does"
command -v setpriv > /dev/null || skip_all "setpriv (util-linux) is not installed"
C=$SAMPLES/cluster
USER_ID=10001
FS_GROUP=2000
# The binary runs as uid 10001: under memcheck the wrapper's log folder
# is root's, so memcheck's logs go beside the test's own files.
if [ "${FIPSEV_BUILD:-plain}" = valgrind ]; then
	export VG_LOGS=$T/vg-logs
	mkdir -p "$VG_LOGS"
	chown "$USER_ID" "$VG_LOGS"
fi
chmod 755 "$T"
cd "$T"

# project VOLUME MODE FILE...: VOLUME as the kubelet projects a Secret or
# ConfigMap holding FILEs (copied in), each of mode MODE after fsGroup.
project() {
	local vol=$1 mode=$2 ts=..2026_12_02_05_00_00.123456789 f
	shift 2
	mkdir -p "$vol/$ts"
	for f in "$@"; do
		cp "$f" "$vol/$ts/$(basename "$f")"
		chmod "$mode" "$vol/$ts/$(basename "$f")"
		ln -s "..data/$(basename "$f")" "$vol/$(basename "$f")"
	done
	ln -s "$ts" "$vol/..data"
	chown -hR "0:$FS_GROUP" "$vol"
	chmod 2755 "$vol" "$vol/$ts"
}

# as_pod COMMAND...: run as the pod's user, with fsGroup supplementary.
POD=(setpriv --reuid "$USER_ID" --regid "$USER_ID" --groups "$FS_GROUP" --inh-caps=-all)
as_pod() {
	"${POD[@]}" "$@"
}

# The signing Secret (kubectl create secret tls: tls.key, tls.crt).
self_signed signing "fipsev evidence signing" ec:P-384 30
mv signing.key tls.key
mv signing.crt tls.crt
project secret 0440 tls.key tls.crt
mkdir work
chown "$USER_ID:$USER_ID" work
cat > fipsev.yaml << YAML
store: $T/work/fipsev.db
node:
  root: $SAMPLES/nodes/al2-fips
cluster:
  snapshot: $C/compliant
signing:
  key: $T/secret/tls.key
  cert: $T/secret/tls.crt
output: $T/work/bundles
YAML
project config 0644 fipsev.yaml
check "the key is a symlink through ..data" [ "$(readlink secret/tls.key)" = ..data/tls.key ]
check "the key is 0440 root:fsGroup" [ "$(stat -L -c '%a %u %g' secret/tls.key)" = "440 0 $FS_GROUP" ]

run 0 as_pod "$FIPSEV" run --config config/fipsev.yaml
check "kubelet layout: bundle verified" grep -q "^run: phase=verify result=ok" "$T/out"
check "kubelet layout: one bundle" [ -f work/bundles/run-1/MANIFEST.sha256.sig ]
check "stock tools: the bundle" bash -c "cd work/bundles/run-1 && sha256sum --quiet -c MANIFEST.sha256 &&
	openssl cms -verify -binary -inform PEM -in MANIFEST.sha256.sig -content MANIFEST.sha256 \
	-CAfile '$T/tls.crt' -out /dev/null 2> /dev/null"

# --- the key is the signer's alone (bundle/signer.h) -------------------------
# The run stopped mid-collection: its one child is the signer, which the
# pod's own user cannot attach to (not dumpable: its /proc files are
# root's), and the collecting process holds no descriptor of the key.
# (setpriv itself, not as_pod: a function put in the background is a
# subshell, whose pid is not fipsev's.)
FIPSEV_TEST_STOP_AT=store-run-begun "${POD[@]}" "$FIPSEV" run --config config/fipsev.yaml \
	> /dev/null 2> "$T/hook.err" &
pid=$!
wait_stopped "$pid"
signer=$(cat "/proc/$pid/task/$pid/children")
check "signer: one child process" grep -Eqx "[0-9]+ ?" <<< "$signer"
check "signer: not dumpable" [ "$(stat -c %u "/proc/${signer% }/environ")" = 0 ]
check "collecting process: no key open" bash -c "! ls -l /proc/$pid/fd | grep -q tls.key"
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true
for _ in $(seq 50); do [ -e "/proc/${signer% }" ] || break; sleep 0.1; done
check "signer: gone with its parent" [ ! -e "/proc/${signer% }" ]
# Which process opens the key, as strace sees every open: only the signer.
if command -v strace > /dev/null && [ "${FIPSEV_BUILD:-plain}" != valgrind ]; then
	# LeakSanitizer cannot run under ptrace: off for this one run.
	run 0 env ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0" \
		strace -f -qq -o "$T/strace" -e trace=open,openat "${POD[@]}" "$FIPSEV" run --config config/fipsev.yaml
	# setpriv execs fipsev: the first pid is the collecting process.
	main=$(head -1 "$T/strace" | awk '{print $1}')
	check "strace: the key was opened" grep -q 'tls.key"' "$T/strace"
	check "strace: never by the collecting process" bash -c "! grep 'tls.key\"' '$T/strace' | awk '{print \$1}' | grep -qx '$main'"
else
	skip_part "strace (or a build that is not under memcheck) to see which process opens the key"
fi

# --- a denied read is "unreadable", never "absent" ------------------------------
# What an SELinux denial on Bottlerocket looks like to the probe: EACCES
# on open. Here the same errno, from a mode the pod's user cannot read.
cp -r "$SAMPLES/nodes/bottlerocket-fips" br
chmod -R a+rX br
chmod 000 br/etc/.fips-kernel-check-passed
run 1 as_pod "$FIPSEV" node --root br --json
check "denied: the marker is unknown (null), not false" [ "$(jq -c .node.markers.bottlerocket_fips_kernel_check "$T/out")" = null ]
check "denied: the reason says unreadable" [ "$(jq -r '.node.reasons[]' "$T/out")" = "Bottlerocket FIPS kernel check marker '/etc/.fips-kernel-check-passed' is unreadable" ]
check "denied: the source keeps the errno" [ "$(jq -r '.node.sources[] | select(.path == "/etc/.fips-kernel-check-passed") | .error' "$T/out")" = "Permission denied" ]
rm br/etc/.fips-kernel-check-passed
run 1 as_pod "$FIPSEV" node --root br --json
check "gone: absent" [ "$(jq -r '"\(.node.markers.bottlerocket_fips_kernel_check) \(.node.reasons[])"' "$T/out")" = "false Bottlerocket FIPS kernel check marker '/etc/.fips-kernel-check-passed' is absent" ]

# refused WHAT MESSAGE [AS]: the run (as the pod's user, or as AS: "root")
# refuses the key before collecting anything, naming it in one line.
refused() {
	local before as=as_pod
	[ "${3:-}" != root ] || as=env
	before=$(sql work/fipsev.db 'SELECT count(*) FROM runs')
	run 2 "$as" "$FIPSEV" run --config config/fipsev.yaml
	check "$1: refused" grep -qF -- "$2" "$T/err"
	check "$1: one line" [ "$(grep -c "key '" "$T/err")" = 1 ]
	check "$1: no run stored" [ "$(sql work/fipsev.db 'SELECT count(*) FROM runs')" = "$before" ]
}
key=secret/..data/tls.key
chmod 0444 "$key"
refused "readable by others" "(owned by root) is readable or writable by others (mode 0444)"
chmod 0460 "$key"
refused "group-writable" "(owned by root) is writable or executable by its group (mode 0460)"
chmod 0440 "$key"
chgrp 2001 "$key"
refused "another group" "cannot open key '$T/secret/tls.key': Permission denied"
# Root reads any file: the rule, not the kernel, refuses a group it is not in.
refused "another group, as root" "is readable by group 2001, which fipsev (uid 0) is not in" root
chgrp "$FS_GROUP" "$key"
chown 4242 "$key"
refused "another owner" "is owned by uid 4242: it must belong to fipsev's user (uid $USER_ID) or to root"
# The user's own key: 0400 and 0600 are fine, 0440 is not.
chown "$USER_ID" "$key"
chmod 0440 "$key"
refused "own key, group-readable" "is readable or writable by group or others (mode 0440): chmod 600 it"
chmod 0400 "$key"
run 0 as_pod "$FIPSEV" run --config config/fipsev.yaml
check "own key 0400: a second bundle" [ -f work/bundles/run-2/MANIFEST.sha256.sig ]
# Root, with the pod's fsGroup as a supplementary group, reads the
# kubelet's 0440 root:fsGroup.
chown 0 "$key"
chmod 0440 "$key"
chown -R "$USER_ID" work
run 0 setpriv --groups "$FS_GROUP" "$FIPSEV" run --config config/fipsev.yaml
check "root with fsGroup: a third bundle" [ -f work/bundles/run-3/MANIFEST.sha256.sig ]
if [ "${FIPSEV_BUILD:-plain}" = valgrind ] && ls "$VG_LOGS"/vg.*.log > /dev/null 2>&1; then
	for f in "$VG_LOGS"/vg.*.log; do
		[ ! -s "$f" ] || die "memcheck: $(head -20 "$f")"
	done
fi
finish
