#!/usr/bin/env bash
# hostile.sh - hostile snapshots, values files and bundles (issue 16): a
# FIFO, socket or device where a file should be never blocks, and a
# symlink never leads a read out of the snapshot. Each case hung fipsev,
# or put a file from outside the snapshot into the evidence, before.
. "$(dirname "$0")/lib.sh"

command -v python3 > /dev/null || die "python3 is not installed"

# within SECONDS CMD...: run CMD; it must end by itself in time. Its status
# is in $st, its output in $T/out and $T/err.
within() {
	local secs=$1
	shift
	st=0
	timeout "$secs" "$@" > "$T/out" 2> "$T/err" || st=$?
	[ "$st" != 124 ] || die "'$*' hung (killed after $secs s)"
	checks=$((checks + 1))
}

# snap NAME: a copy of a sane snapshot to spoil.
snap() {
	cp -a "$SAMPLES/cluster/compliant" "$T/$1"
	echo "$T/$1"
}

# sources DB: the file entries of the latest run's cluster document.
sources() {
	sql "$1" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN evidence e ON e.sha256 = d.sha256 WHERE e.collector = 'cluster' AND e.run_id = (SELECT max(id) FROM runs)" |
		jq -c '.source.files[]'
}

# --- a FIFO, a socket, a device in a snapshot --------------------------------
s=$(snap fifo)
rm "$s/nodes.json"
mkfifo "$s/nodes.json"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/fifo.db"
check "fifo: a run all the same" [ "$st" = 1 ]
check "fifo: said so" grep -qx "fipsev: '$s/nodes.json' is not a regular file (a FIFO, socket or device is refused)" "$T/err"
check "fifo: missing evidence, recorded" grep -q '"file":"nodes.json","error":"unreadable"' <(sources "$T/fifo.db")
s=$(snap socket)
rm "$s/services.json"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$s/services.json"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/socket.db"
check "socket: refused" grep -q "services.json' is not a regular file" "$T/err"
s=$(snap device)
rm "$s/ingresses.json"
ln -s /dev/zero "$s/ingresses.json"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/device.db"
check "device: refused" grep -q "ingresses.json' leads out of its directory" "$T/err"
# A node report that is a FIFO.
s=$(snap fiforeport)
report=$(ls "$s/node-reports" | head -1)
rm "$s/node-reports/$report"
mkfifo "$s/node-reports/$report"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/fiforeport.db"
check "fifo report: refused" grep -q "node-reports/$report' is not a regular file" "$T/err"

# --- a symlink out of the snapshot ----------------------------------------
s=$(snap escape)
rm "$s/services.json"
printf '{"items": []}\n' > "$T/outside.json"
ln -s "$T/outside.json" "$s/services.json"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/escape.db"
check "escape: refused" grep -qx "fipsev: '$s/services.json' leads out of its directory (a symlink out of it is refused)" "$T/err"
check "escape: the outside file's digest is not evidence" \
	absent "$(sha256sum < "$T/outside.json" | cut -d' ' -f1)" <(sources "$T/escape.db")
s=$(snap dotdot)
rm "$s/workloads.json"
cp "$SAMPLES/cluster/compliant/workloads.json" "$T/workloads.json"
ln -s ../workloads.json "$s/workloads.json"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/dotdot.db"
check "dotdot: refused" grep -q "workloads.json' leads out of its directory" "$T/err"

# node-reports itself a symlink out of the snapshot.
s=$(snap reportlink)
mv "$s/node-reports" "$T/reports-outside"
ln -s "$T/reports-outside" "$s/node-reports"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/reportlink.db"
check "node-reports link: refused" grep -q "node-reports/.*leads out of its directory" "$T/err"

# Without openat2 (an old kernel, a seccomp profile): no symlink at all.
for d in escape dotdot reportlink; do
	FIPSEV_TEST_NO_OPENAT2=1 within 30 "$FIPSEV" collect --snapshot "$T/$d" --db "$T/noat2-$d.db"
	check "no openat2, $d: refused" grep -q "Too many levels of symbolic links\|Not a directory\|leads out" "$T/err"
done
check "no openat2: the outside file's digest is not evidence" \
	absent "$(sha256sum < "$T/outside.json" | cut -d' ' -f1)" <(sources "$T/noat2-escape.db")

# --- symlinks inside the snapshot, as a ConfigMap mount has them -------------
# The kubelet's layout: a timestamped directory, ..data pointing at it,
# and each file a symlink through ..data.
s=$(snap configmap)
mkdir "$s/..2026_12_01_10_00_00.123456789"
for f in nodes.json helm-releases.json configmaps.json workloads.json ingresses.json services.json cronjobs.json db-secrets.json; do
	mv "$s/$f" "$s/..2026_12_01_10_00_00.123456789/$f"
	ln -s "..data/$f" "$s/$f"
done
ln -s ..2026_12_01_10_00_00.123456789 "$s/..data"
within 30 "$FIPSEV" collect --snapshot "$s" --db "$T/configmap.db"
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/plain.db"
check "configmap: read through ..data, no error" [ ! -s "$T/err" ] || [ "$(grep -c "refused" "$T/err")" = 0 ]
check "configmap: the same sources as the plain snapshot" [ "$(sources "$T/configmap.db")" = "$(sources "$T/plain.db")" ]

# --- values files, kubeconfigs, policies ----------------------------------
mkfifo "$T/values.fifo"
within 10 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --values "$T/values.fifo" --db "$T/values.db"
check "values fifo: refused" [ "$st" = 2 ]
check "values fifo: said so" grep -q "values.fifo' is not a regular file" "$T/err"
within 10 "$FIPSEV" scan --policy "$T/values.fifo" 127.0.0.1:1
check "policy fifo: refused" grep -q "values.fifo' is not a regular file" "$T/err"

# --- the whole job holds no lock forever ------------------------------------
s=$(snap job)
rm "$s/nodes.json"
mkfifo "$s/nodes.json"
cat > "$T/job.yaml" << EOF
store: $T/job.db
cluster:
  snapshot: $s
signing:
  generate: true
output: $T/job-bundles
EOF
within 60 "$FIPSEV" run --config "$T/job.yaml"
check "run: finished" [ "$st" = 1 ]
within 60 "$FIPSEV" run --config "$T/job.yaml"
check "run: the next run is not locked out" [ "$st" = 1 ]

# --- a FIFO in a bundle ------------------------------------------------------
run 0 "$FIPSEV" keygen --out "$T/keys"
run 0 "$FIPSEV" report --db "$T/fifo.db" --out "$T/bundle" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
victim=$(cd "$T/bundle" && ls *.json | head -1)
rm "$T/bundle/$victim"
mkfifo "$T/bundle/$victim"
within 30 "$FIPSEV" verify "$T/bundle" --ca "$T/keys/signing.crt"
check "bundle fifo: not intact" [ "$st" = 1 ]
check "bundle fifo: named" grep -qx "FAILED $victim: not a regular file" "$T/out"

# --- verify walks the bundle by descriptor ---------------------------------
rm -rf "$T/bundle"
run 0 "$FIPSEV" report --db "$T/plain.db" --out "$T/bundle" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
ca=(--ca "$T/keys/signing.crt")
run 0 "$FIPSEV" verify "$T/bundle/" "${ca[@]}"
ln -s "$T/bundle" "$T/link"
run 0 "$FIPSEV" verify "$T/link" "${ca[@]}"
run 0 "$FIPSEV" verify "$T/link/" "${ca[@]}"
# Through the symlink, an added file is still seen.
echo '{"forged": true}' > "$T/bundle/forged.json"
run 1 "$FIPSEV" verify "$T/link" "${ca[@]}"
check "symlinked bundle: the added file named" grep -qx "FAILED forged.json: not in the manifest" "$T/out"
rm "$T/bundle/forged.json"
# A file swapped for a symlink to the same bytes is not the file.
victim=$(cd "$T/bundle" && ls *.json | head -1)
mv "$T/bundle/$victim" "$T/elsewhere.json"
ln -s "$T/elsewhere.json" "$T/bundle/$victim"
run 1 "$FIPSEV" verify "$T/bundle" "${ca[@]}"
check "symlink in a bundle: refused" grep -qx "FAILED $victim: not a regular file" "$T/out"
rm "$T/bundle/$victim"
mv "$T/elsewhere.json" "$T/bundle/$victim"
# A manifest that is a symlink to the real one: altered, not an error.
mv "$T/bundle/MANIFEST.sha256" "$T/manifest.real"
ln -s "$T/manifest.real" "$T/bundle/MANIFEST.sha256"
run 1 "$FIPSEV" verify "$T/bundle" "${ca[@]}"
check "symlinked manifest: named" grep -qx "FAILED MANIFEST.sha256: not a regular file, or unreadable" "$T/out"
rm "$T/bundle/MANIFEST.sha256"
mv "$T/manifest.real" "$T/bundle/MANIFEST.sha256"
# A file name with terminal escapes is printed escaped.
touch "$T/bundle/$(printf 'x\033[2Jy')"
run 1 "$FIPSEV" verify "$T/bundle" "${ca[@]}"
check "escaped name" grep -qxF 'FAILED x\x1b[2Jy: not in the manifest' "$T/out"
check "no raw escape printed" absent "$(printf '\033')" "$T/out"

# --- secrets in the shapes real charts and configs use (item 1) ---------------
# Each shape planted in the Harness release's user values; none may reach
# the store (inflated), show, drift or any bundle file.
s=$(snap planted)
docker=$(printf '{"auths":{"registry.example.com":{"username":"u","password":"DOCKER-TRAP-1"}}}' | base64 -w0)
edit_release "$s/helm-releases.json" '
t = rel["config"].setdefault("planted", {})
t["env"] = [{"name": "DB_PASSWORD", "value": "ENVLIST-TRAP-1"}]
for k in ["adminpassword", "MYSQLPASSWORD", "SECRETKEY", "dbpass", "ACCESSKEY",
          "identitytoken", "passcode", "pin", "hmac", "bearer", "cookie"]:
    t[k] = "OW-" + k + "-TRAP"
t["conn"] = "Server=db;Database=x;User Id=a;Password=CONN-TRAP-1;"
t["url"] = "postgresql://h/db?user=a&password=CONN-TRAP-2"
t["jaas"] = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"CONN-TRAP-3\";"
t["slack"] = "https://hooks.slack.com/services/T000/B000/WEBHOOK-TRAP-1"
t["teams"] = "https://contoso.webhook.office.com/webhookb2/WEBHOOK-TRAP-2"
t["appconfig"] = "server:\n  port: 8080\ndb:\n  password: YAMLSTR-TRAP-1\n"
t["jsonconfig"] = "{\"auth\": {\"password\": \"JSONSTR-TRAP-1\"}}"
t["dockercfg"] = "'"$docker"'"
rel["config"]["=SUM(A1)"] = "v"
t["Authorization"] = "Bearer BEARER-TRAP-1"
t["azure"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=AZURE-TRAP-1;EndpointSuffix=core.windows.net"
t["extraEnv"] = [{"key": "SMTP_PASSWORD", "value": "KEYENV-TRAP-1"}]
t["dockerblock"] = "\n".join(["'"$docker"'"[i:i + 20] for i in range(0, len("'"$docker"'"), 20)]) + "\n"
t["url2"] = "postgres://u:pa/ss-URL-TRAP-1@h/db"
t["urls"] = "redis://h/0,redis://u:URL-TRAP-2@h2/0"
t["aws"] = "AKIAQWERTYUIOPASDFGH"
t["gh"] = "ghp_TOKENTRAP0123456789abcdefghijklmnopqr"
t["slackbot"] = "xoxb-SLACKTOKEN-TRAP-1"
t["longcfg"] = "x: y\n" * 20000 + "password: LONG-TRAP-1\n"
'
run 0 "$FIPSEV" collect --snapshot "$s" --db "$T/planted.db"
run 0 "$FIPSEV" show latest --json --db "$T/planted.db"
cp "$T/out" "$T/planted-show.json"
run 0 "$FIPSEV" show latest --db "$T/planted.db"
cp "$T/out" "$T/planted-show.txt"
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/planted.db"
run 1 "$FIPSEV" drift --from 1 --to 2 --json --db "$T/planted.db"
cp "$T/out" "$T/planted-drift.json"
run 0 "$FIPSEV" report 1 --db "$T/planted.db" --out "$T/planted-bundle" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "planted: the values were stored (redacted)" grep -q '"adminpassword":"<redacted hmac-sha256:' <(sql "$T/planted.db" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents")
TRAPS=(ENVLIST-TRAP-1 CONN-TRAP-1 CONN-TRAP-2 CONN-TRAP-3 WEBHOOK-TRAP-1 WEBHOOK-TRAP-2
	YAMLSTR-TRAP-1 JSONSTR-TRAP-1 DOCKER-TRAP-1 "$docker" "${docker:0:20}"
	BEARER-TRAP-1 AZURE-TRAP-1 KEYENV-TRAP-1 URL-TRAP-1 URL-TRAP-2
	AKIAQWERTYUIOPASDFGH ghp_TOKENTRAP SLACKTOKEN-TRAP-1 LONG-TRAP-1)
for k in adminpassword MYSQLPASSWORD SECRETKEY dbpass ACCESSKEY identitytoken passcode pin hmac bearer cookie; do
	TRAPS+=("OW-$k-TRAP")
done
no_traps_in "$T/planted.db" "$T/planted-show.json" "$T/planted-show.txt" "$T/planted-drift.json" "$T/planted-bundle"
checks=$((checks + 1))
# drift --csv: a spreadsheet shows a formula-looking cell as text.
run 1 "$FIPSEV" drift --from 1 --to 2 --csv --db "$T/planted.db"
check "csv: a formula neutralised" grep -qF ",\"'=SUM(A1)=v\"," "$T/out"
check "csv: no cell starts a formula" bash -c "! grep -q '[,^]\"[=+@]' '$T/out'"

# --- terminal output: one sanitiser for C0, C1 and bidi controls ------------
while read -r bad want; do
	bad=$(printf "$bad")
	run 2 "$FIPSEV" collect --snapshot "$T/no$bad-such" --db "$T/t.db"
	check "log: $want" grep -qF "no$want-such' is not a directory" "$T/err"
	check "log: no raw bytes for $want" absent "$bad" "$T/err"
done << 'EOF'
\x1b[31m \x1b[31m
\xc2\x9b <U+009B>
\xe2\x80\xae <U+202E>
\xff \xff
EOF

# A node whose report names its host with a right-to-left override: show
# escapes it, and report.html makes it visible as <U+202E> (the browser
# would otherwise show "ip-10-0-1-5exe.png"); evidence.xml keeps the name
# as it was given.
b=$T/bidi
cp -r "$SAMPLES/cluster/compliant" "$b"
r=$(ls "$b"/node-reports/*.json | head -1)
jq '.node.hostname = "ip-10-0-1-5\u202egnp.exe"' "$r" > "$T/r.json"
mv "$T/r.json" "$r"
raw=$(printf 'ip-10-0-1-5\xe2\x80\xaegnp.exe')
run 1 "$FIPSEV" collect --snapshot "$b" --db "$T/bidi.db"
run 1 "$FIPSEV" show latest --db "$T/bidi.db"
check "show: the override escaped" grep -qF "ip-10-0-1-5<U+202E>gnp.exe" "$T/out"
check "show: no raw override" absent "$raw" "$T/out"
run 0 "$FIPSEV" report --db "$T/bidi.db" --out "$T/bidib" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "report.html: no raw override" absent "$raw" "$T/bidib/report.html"
check "evidence.xml: the name as given" grep -qF "$raw" "$T/bidib/evidence.xml"
if command -v chromium > /dev/null; then
	timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/profile" \
		--dump-dom "file://$T/bidib/report.html" > "$T/dom.html" 2> /dev/null
	check "report.html in Chromium: the override shown" grep -qF "ip-10-0-1-5&lt;U+202E&gt;gnp.exe" "$T/dom.html"
	check "report.html in Chromium: not applied" absent "$raw" "$T/dom.html"
else
	skip_part "chromium is not installed: report.html not rendered"
fi

# --- --tar writes through no planted symlink --------------------------------
echo "not to be overwritten" > "$T/victim"
ln -s "$T/victim" "$T/tb.tar.gz.tmp"
run 0 "$FIPSEV" report --db "$T/plain.db" --out "$T/tb" --tar --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "tar: the symlink's target untouched" [ "$(cat "$T/victim")" = "not to be overwritten" ]
check "tar: written" bash -c "tar -tzf '$T/tb.tar.gz' tb/MANIFEST.sha256 > /dev/null"
check "tar: no temporary left" [ -z "$(compgen -G "$T/tb.tar.gz.tmp-*")" ]

# --- a new store is private, whatever the umask --------------------------------
mkdir -m 0755 "$T/open"
(umask 022 && "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/open/s.db" > "$T/out" 2> "$T/err") || true
check "store: 0600 under umask 022" [ "$(stat -c %a "$T/open/s.db")" = 600 ]
check "store: its WAL too" [ ! -e "$T/open/s.db-wal" ] || [ "$(stat -c %a "$T/open/s.db-wal")" = 600 ]
check "store: an open directory warned about" grep -q "^fipsev: warning: the new store's directory '$T/open' is open to group or others (mode 755)" "$T/err"
(umask 022 && "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/made/s.db" > /dev/null 2>&1) || true
check "store: the directory fipsev makes is 0700" [ "$(stat -c %a "$T/made")" = 700 ]
# A volume as the kubelet mounts it for a pod with fsGroup 10001: its root
# group-owned, group-writable and setgid. fipsev, running as that
# non-root user, cannot make it 0700: the shipped configuration puts the
# store in store/ under it, which fipsev makes 0700.
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	chmod 0711 "$T"
	mkdir "$T/vol"
	chgrp 10001 "$T/vol"
	chmod 2775 "$T/vol"
	as_pod() { setpriv --reuid 10001 --regid 10001 --clear-groups "$@"; }
	want=$(sed -n 's/^store: //p' "$SAMPLES/fipsev.yaml")
	check "fsGroup: the shipped store is in a subdirectory of the volume" [ "$want" = /var/lib/fipsev/store/fipsev.db ]
	(umask 002 && as_pod "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/vol/store/fipsev.db" > "$T/out" 2> "$T/err") || true
	# (setgid, inherited from the volume's root, stays: 2700)
	check "fsGroup: store/ made 0700 by the pod's user" [ "$(stat -c '%a %u' "$T/vol/store")" = "2700 10001" ]
	check "fsGroup: the store 0600" [ "$(stat -c %a "$T/vol/store/fipsev.db")" = 600 ]
	check "fsGroup: its redaction key 0600" [ "$(stat -c %a "$T/vol/store/fipsev.db.redaction-key")" = 600 ]
	check "fsGroup: no warning there" absent "warning" "$T/err"
	(umask 002 && as_pod "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/vol/fipsev.db" > "$T/out" 2> "$T/err") || true
	check "fsGroup: a store at the volume's root warned about" grep -q "^fipsev: warning: the new store's directory '$T/vol' is open to group or others (mode 775)" "$T/err"
	chmod 0700 "$T"
else
	skip_part "the fsGroup volume case needs root and setpriv"
fi

# --- link-local and metadata addresses: only when asked (item 8) -------------
# In a network namespace of the test's own, a TLS server on 169.254.77.1,
# named by a snapshot's LoadBalancer Service.
ns=fipsev-test-$$
if [ "$(id -u)" = 0 ] && command -v ip > /dev/null && ip netns add "$ns" 2> /dev/null; then
	trap 'status=$?; pkill -9 -P $$ 2> /dev/null || true; ip netns del "$ns" 2> /dev/null; rm -rf "$T"; exit $status' EXIT
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add 169.254.77.1/16 dev lo
	(cd "$T" && self_signed ll ll)
	ip netns exec "$ns" openssl s_server -accept 169.254.77.1:8443 -www -quiet \
		-cert "$T/ll.crt" -key "$T/ll.key" > /dev/null 2>&1 < /dev/null &
	llsrv=$!
	ip netns exec "$ns" bash -c 'for _ in $(seq 100); do (exec 3<> /dev/tcp/169.254.77.1/8443) 2> /dev/null && exit 0; sleep 0.1; done; exit 1' ||
		die "the link-local server did not start"
	s=$(snap linklocal)
	jq '.items = [.items[] | select(.spec.type == "LoadBalancer") |
		.status.loadBalancer.ingress = [{ip: "169.254.77.1"}] |
		.spec.ports = [{name: "https", port: 8443}]]' \
		"$SAMPLES/cluster/compliant/services.json" > "$s/services.json"
	ll=(--snapshot "$s" --scan-discovered --exclude-tls smtp.example.com:587
		--exclude-tls harness.example.com:443)
	ip netns exec "$ns" "$FIPSEV" collect "${ll[@]}" --db "$T/ll.db" > "$T/out" 2> "$T/err" || true
	run 1 "$FIPSEV" show latest --json --db "$T/ll.db"
	check "link-local: not scanned" [ "$(jq -r '.evidence[] | select(.collector == "tls") | .document.endpoints[0] | "\(.connections) \(.error)"' "$T/out")" = \
		"0 not scanned: 169.254.77.1 is a link-local or cloud metadata address, which a cluster can name but fipsev scans only when asked (--scan-link-local)" ]
	ip netns exec "$ns" "$FIPSEV" collect "${ll[@]}" --scan-link-local --db "$T/ll.db" > "$T/out" 2> "$T/err" || true
	run 1 "$FIPSEV" show latest --json --db "$T/ll.db"
	check "link-local: scanned when asked" [ "$(jq -r '.evidence[] | select(.collector == "tls") | .document.endpoints[0] | "\(.error) \(.protocols | index("TLSv1.3") != null)"' "$T/out")" = "null true" ]
	kill "$llsrv" 2> /dev/null || true
	wait "$llsrv" 2> /dev/null || true
else
	skip_part "the link-local case (needs root and ip netns)"
fi

# --- keyed markers: HMAC-SHA-256 under a key per store (item 1) ----------------
mkdir -m 0700 "$T/k1"
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/k1/s.db"
check "key: made beside the store, 0600" [ "$(stat -c '%a %s' "$T/k1/s.db.redaction-key")" = "600 32" ]
markers() {
	sql "$1" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN evidence e ON e.sha256 = d.sha256 WHERE e.collector = 'cluster' AND e.run_id = (SELECT max(id) FROM runs)" |
		grep -o '<redacted [^>]*>' | sort -u
}
markers "$T/k1/s.db" > "$T/m1"
check "key: markers keyed" grep -q '^<redacted hmac-sha256:[0-9a-f]\{12\}:[0-9a-f]\{64\}>$' "$T/m1"
check "key: no plain digest left" absent "<redacted sha256:" "$T/m1"
# The license key of the fixture: its plain SHA-256 is nowhere.
lic=$(jq -r '.items[0].data.release' "$SAMPLES/cluster/compliant/helm-releases.json" | base64 -d | base64 -d | gunzip |
	jq -r '.config.global.license.ng // empty')
if [ -n "$lic" ]; then
	check "key: a value's plain SHA-256 is not its marker" absent "$(printf %s "$lic" | sha256sum | cut -d' ' -f1)" "$T/m1"
fi
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/k1/s.db"
run 0 "$FIPSEV" drift --db "$T/k1/s.db"
check "key: the same key, no change" grep -q "0 changes" "$T/out"
# One key given to two stores: the same markers.
mkdir -m 0700 "$T/k2"
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/k2/s.db" --redaction-key "$T/k1/s.db.redaction-key"
check "key given: the same markers as its store's" cmp -s "$T/m1" <(markers "$T/k2/s.db")
check "key given: none made" [ ! -e "$T/k2/s.db.redaction-key" ]
# A new key: drift says so once, not once per secret.
head -c 32 /dev/urandom > "$T/k1/s.db.redaction-key"
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/k1/s.db"
run 1 "$FIPSEV" drift --json --db "$T/k1/s.db"
check "new key: one change" [ "$(jq 'length' "$T/out")" = 1 ]
check "new key: named as such" [ "$(jq -r '.[0] | "\(.kind) \(.field)"' "$T/out")" = "values redaction markers" ]
head -c 8 /dev/urandom > "$T/short.key"
run 2 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/k2/s.db" --redaction-key "$T/short.key"
check "short key: refused" grep -q "has 8 bytes: it needs 16 to 64" "$T/err"

# --- small ones ---------------------------------------------------------------
# An empty store path is a mistake, not the default store.
run 2 "$FIPSEV" runs --db ""
check "--db '': refused" grep -qx "fipsev: --db is empty: name a store file" "$T/err"
FIPSEV_DB= run 2 "$FIPSEV" runs
check "FIPSEV_DB='': refused" grep -qx "fipsev: FIPSEV_DB is empty: name a store file" "$T/err"
# A store whose schema version no fipsev writes is refused, not indexed.
for v in -1 -2147483648 2147483647; do
	cp "$T/plain.db" "$T/v.db"
	sqlite3 "$T/v.db" "PRAGMA user_version = $v"
	run 2 "$FIPSEV" runs --db "$T/v.db"
	check "user_version $v: refused" grep -q "has schema version $v" "$T/err"
	run 2 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/v.db"
	check "user_version $v: not written" [ "$(sqlite3 "$T/v.db" 'PRAGMA user_version')" = "$v" ]
done
# A store with a trigger, view or table fipsev did not create is refused,
# read or written; SQLite's own statistics (ANALYZE) are not.
for planted in "CREATE TRIGGER t AFTER INSERT ON runs BEGIN UPDATE runs SET verdict = 'compliant'; END" \
	"CREATE VIEW v AS SELECT 1" "CREATE TABLE extra (x)" "CREATE INDEX i ON runs (verdict)"; do
	cp "$T/plain.db" "$T/p.db"
	sqlite3 "$T/p.db" "$planted"
	run 2 "$FIPSEV" runs --db "$T/p.db"
	check "planted ${planted%% (*}: refused" grep -q "holds what fipsev did not create" "$T/err"
	run 2 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/p.db"
	check "planted ${planted%% (*}: nothing written" [ "$(sqlite3 "$T/p.db" 'SELECT count(*) FROM runs')" = 1 ]
done
# ... under a name SQLite reserves, written into sqlite_schema directly.
cp "$T/plain.db" "$T/p.db"
sqlite3 "$T/p.db" "PRAGMA writable_schema = ON; INSERT INTO sqlite_schema VALUES ('trigger', 'sqlite_x', 'runs', 0, 'CREATE TRIGGER sqlite_x AFTER UPDATE OF verdict ON runs BEGIN UPDATE runs SET verdict = ''compliant'' WHERE id = NEW.id; END')"
run 2 "$FIPSEV" runs --db "$T/p.db"
check "planted sqlite_ trigger: refused" grep -q "holds what fipsev did not create" "$T/err"
cp "$T/plain.db" "$T/p.db"
sqlite3 "$T/p.db" "ANALYZE"
run 0 "$FIPSEV" runs --db "$T/p.db"
# A deflated document that says it inflates to 1 TiB is refused before
# anything is allocated.
cp "$T/plain.db" "$T/p.db"
sqlite3 "$T/p.db" "UPDATE documents SET size = 1099511627776 WHERE encoding = 'deflate'"
run 2 "$FIPSEV" show latest --db "$T/p.db"
check "declared size: refused before inflating" grep -q "says it inflates to 1099511627776 bytes, over the 268435456-byte limit" "$T/err"
# Facts that disagree with the documents they came from (item 6): a
# non-FIPS node's facts rewritten to pass. Evaluating the run (report,
# collect) re-hashes the documents and derives the facts again.
nf=$SAMPLES/cluster/nonfips-node
run 1 "$FIPSEV" collect --snapshot "$nf" --db "$T/forged.db"
cp "$T/forged.db" "$T/forged-eval.db"
node=$(sqlite3 "$T/forged.db" "SELECT node FROM node_documents WHERE fips_enabled = 0 LIMIT 1")
check "forged facts: a non-FIPS node to forge" [ -n "$node" ]
sqlite3 "$T/forged.db" "UPDATE node_documents SET compliant = 1, fips_enabled = 1, reasons = '[]' WHERE node = '$node'"
run 2 "$FIPSEV" report --db "$T/forged.db" --out "$T/fb" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "forged facts: report refuses" grep -q "the facts stored for node document [0-9a-f]* disagree with the document: the store was altered" "$T/err"
check "forged facts: no bundle" [ ! -e "$T/fb" ]
# The same document collected again keeps its (forged) facts row: the
# evaluation of the new run catches it, and the run is not recorded.
run 2 "$FIPSEV" collect --snapshot "$nf" --db "$T/forged.db"
check "forged facts: collect refuses" grep -q "disagree with the document: the store was altered" "$T/err"
check "forged facts: no run recorded" [ "$(sqlite3 "$T/forged.db" 'SELECT count(*) FROM runs')" = 1 ]
# A forged evaluation, stored under its own true digest: the run
# evaluated again by the same fipsev says otherwise.
ev=$(sqlite3 "$T/forged-eval.db" "SELECT evaluation FROM runs WHERE id = 1")
sqlite3 "$T/forged-eval.db" "SELECT writefile('$T/ev.json', $DOC_BYTES) FROM documents WHERE sha256 = '$ev'" > /dev/null
jq -c '.verdict = "compliant" | .findings |= map(.result = "pass") | .summary.fail = 0 | .summary.missing_evidence = 0' "$T/ev.json" > "$T/ev2.json"
sha=$(sha256sum < "$T/ev2.json" | cut -d' ' -f1)
sqlite3 "$T/forged-eval.db" "INSERT INTO documents (sha256, media_type, size, body) VALUES ('$sha', 'application/json', $(stat -c %s "$T/ev2.json"), readfile('$T/ev2.json')); UPDATE runs SET evaluation = '$sha', verdict = 'compliant' WHERE id = 1"
run 2 "$FIPSEV" report --db "$T/forged-eval.db" --out "$T/fe" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "forged evaluation: report refuses" grep -q "the stored evaluation of run 1 disagrees with its evidence (its findings): the store was altered" "$T/err"
check "forged evaluation: no bundle" [ ! -e "$T/fe" ]
# The same forged evaluation, claimed by another build of fipsev (its
# evaluator digest gone): what is signed is this build's evaluation of the
# evidence, never the stored "compliant" it does not reproduce.
cp "$T/forged-eval.db" "$T/forged-old.db"
jq -c 'del(.inputs.evaluator_sha256)' "$T/ev2.json" > "$T/ev3.json"
sha=$(sha256sum < "$T/ev3.json" | cut -d' ' -f1)
sqlite3 "$T/forged-old.db" "INSERT INTO documents (sha256, media_type, size, body) VALUES ('$sha', 'application/json', $(stat -c %s "$T/ev3.json"), readfile('$T/ev3.json')); UPDATE runs SET evaluation = '$sha', tool_version = '0.0.9' WHERE id = 1"
run 0 "$FIPSEV" report --db "$T/forged-old.db" --out "$T/fo" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "another build's evaluation: said" grep -q "warning: run 1 was evaluated by another build of fipsev (verdict compliant); this report carries this build's evaluation of its evidence (verdict noncompliant)" "$T/err"
check "another build's evaluation: the bundle says noncompliant" [ "$(jq -r .verdict "$T/fo/run.json")" = noncompliant ]
check "another build's evaluation: evidence.xml too" grep -q 'verdict="noncompliant"' "$T/fo/evidence.xml"
# Node evidence deleted from a compliant run: the run recorded more nodes
# than the store holds, so the store was altered, its evaluation kept or
# not. With the run's count forged to match and the evaluation gone too,
# the run is evaluated now, and a node the cluster collected without its
# evidence is missing.
run 0 "$FIPSEV" collect --snapshot "$SAMPLES/cluster/compliant" --db "$T/del.db"
gone=$(sqlite3 "$T/del.db" "SELECT subject FROM evidence_spans WHERE collector = 'node' LIMIT 1")
sqlite3 "$T/del.db" "DELETE FROM evidence_spans WHERE collector = 'node' AND subject = '$gone'"
run 2 "$FIPSEV" report --db "$T/del.db" --out "$T/fd" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "deleted node evidence: the store was altered" grep -q "run 1 recorded [0-9]* nodes and 0 TLS endpoints, but [0-9]* and 0 are in the store: the store was altered" "$T/err"
check "deleted node evidence: no bundle" [ ! -e "$T/fd" ]
sqlite3 "$T/del.db" "UPDATE runs SET evaluation = NULL"
run 2 "$FIPSEV" report --db "$T/del.db" --out "$T/fd" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "deleted node evidence, no evaluation: the store was altered" grep -q "the store was altered" "$T/err"
sqlite3 "$T/del.db" "UPDATE runs SET nodes = nodes - 1"
run 0 "$FIPSEV" report --db "$T/del.db" --out "$T/fd" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "deleted node evidence, no evaluation: noncompliant" [ "$(jq -r .verdict "$T/fd/run.json")" = noncompliant ]
check "deleted node evidence: named" grep -q "the cluster collected the node's report, but the run holds no node evidence for it" "$T/fd/evidence.xml"
# A failing node's evidence pointed at a passing node's document.
cp "$T/forged-eval.db" "$T/relabel.db"
good=$(sqlite3 "$T/relabel.db" "SELECT sha256 FROM node_documents WHERE compliant = 1 LIMIT 1")
sqlite3 "$T/relabel.db" "UPDATE evidence_spans SET sha256 = '$good' WHERE collector = 'node' AND subject = '$node'; UPDATE runs SET evaluation = NULL"
run 2 "$FIPSEV" report --db "$T/relabel.db" --out "$T/fr" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"
check "relabelled node evidence: refused" grep -q "disagree with the document: the store was altered" "$T/err"
check "relabelled node evidence: no bundle" [ ! -e "$T/fr" ]
# The untouched store still reports.
run 0 "$FIPSEV" report --db "$T/plain.db" --out "$T/fok" --key "$T/keys/signing.key" --cert "$T/keys/signing.crt"

# prune says what it removed on one line, without a literal "\n".
run 0 "$FIPSEV" prune --keep-days 3650 --db "$T/plain.db"
check "prune: one clean line" grep -qx "removed 0 runs started before .* from '$T/plain.db'" "$T/out"

finish
