# lib.sh - shared by the end-to-end scripts: a scratch directory, checks
# that count, and helpers for running fipsev and reading the store.
set -euo pipefail
# The fakes and the generators need PyYAML, which scripts/install-deps
# brings as Debian's python3-yaml: where another python3 without it comes
# first on PATH (a pyenv one), Debian's is used.
if ! python3 -c 'import yaml' 2> /dev/null && [ -x /usr/bin/python3 ]; then
	python3() { /usr/bin/python3 "$@"; }
fi
: "${FIPSEV:?set FIPSEV to the fipsev binary}"
: "${SAMPLES:?set SAMPLES to the samples/ directory}"

T=$(mktemp -d)
trap 'status=$?; pkill -9 -P $$ 2>/dev/null || true; rm -rf "$T"; exit $status' EXIT
unset FIPSEV_DB FIPSEV_TEST_STOP_AT
checks=0

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local what=$1
	shift
	"$@" || die "$what"
	checks=$((checks + 1))
}

# run WANT_STATUS COMMAND...: run, keep stdout in $T/out and stderr in
# $T/err, and insist on the exit status.
run() {
	local want=$1 got
	shift
	set +e
	"$@" > "$T/out" 2> "$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || die "'$*' exited $got, want $want; stderr: $(cat "$T/err")"
	checks=$((checks + 1))
}

# The expected status of collecting a root: what 'fipsev node' says.
node_status() {
	set +e
	"$FIPSEV" node --root "$1" > /dev/null 2>&1
	echo $?
	set -e
}

# sleep_ms N: sleep N milliseconds.
sleep_ms() {
	sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"
}

# wait_stopped PID: until the process has stopped itself (SIGSTOP) at the
# test hook FIPSEV_TEST_STOP_AT named, ready to be killed right there.
wait_stopped() {
	local state
	for _ in $(seq 1 200); do
		state=$(awk '{print $3}' "/proc/$1/stat" 2> /dev/null || echo gone)
		[ "$state" = T ] && return 0
		[ "$state" = gone ] && die "fipsev exited before its test hook"
		sleep 0.05
	done
	die "fipsev never reached its test hook"
}

# absent STRING FILE: the file does not contain the string (read it or fail).
absent() {
	local st=0
	grep -qF -- "$1" "$2" || st=$?
	# 1 is "not there"; 0 found it, 2 could not look: both fail.
	[ "$st" = 1 ]
}

# The tests' own folder: the fakes (kube/, harness/, lib/), the TLS peers.
TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# free_port: a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port HOST PORT: until something listens there (10 s at most).
wait_port() {
	local i
	for i in $(seq 100); do
		if (exec 3<> "/dev/tcp/$1/$2") 2> /dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "nothing listens on $1:$2"
}

# key_args KEYSPEC: openssl req's options for a new key; KEYSPEC is rsa:BITS
# or ec:CURVE.
key_args() {
	case $1 in
	rsa:*) echo "-newkey $1" ;;
	ec:*) echo "-newkey ec -pkeyopt ec_paramgen_curve:${1#ec:}" ;;
	*) die "key spec '$1': want rsa:BITS or ec:CURVE" ;;
	esac
}

# self_signed NAME CN [KEYSPEC] [DAYS] [SAN]: NAME.key and NAME.crt in the
# current directory, a self-signed certificate (a test CA, or a server's
# own) for CN and, if given, subjectAltName SAN; KEYSPEC rsa:2048 and 2
# days unless given.
self_signed() {
	local name=$1 cn=$2 spec=${3:-rsa:2048} days=${4:-2} san=${5:-}
	local ext=()
	[ -z "$san" ] || ext=(-addext "subjectAltName=$san")
	# shellcheck disable=SC2046 # key_args is words on purpose
	openssl req -x509 $(key_args "$spec") -nodes -keyout "$name.key" \
		-out "$name.crt" -subj "/CN=$cn" -days "$days" "${ext[@]}" 2> "$name.err" ||
		die "certificate $name: $(cat "$name.err")"
	rm -f "$name.err"
}

# signed_by CA NAME CN [SAN] [KEYSPEC] [DAYS]: NAME.key and NAME.crt, a
# certificate for CN (and subjectAltName SAN, e.g. IP:127.0.0.1, if not
# empty) that the test CA CA.key/CA.crt signed.
signed_by() {
	local ca=$1 name=$2 cn=$3 san=${4:-} spec=${5:-rsa:2048} days=${6:-2}
	local ext=()
	# shellcheck disable=SC2046
	openssl req $(key_args "$spec") -nodes -keyout "$name.key" -out "$name.csr" \
		-subj "/CN=$cn" 2> "$name.err" || die "certificate $name: $(cat "$name.err")"
	if [ -n "$san" ]; then
		printf 'subjectAltName=%s\n' "$san" > "$name.ext"
		ext=(-extfile "$name.ext")
	fi
	openssl x509 -req -in "$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
		-days "$days" "${ext[@]}" -out "$name.crt" 2> "$name.err" ||
		die "certificate $name: $(cat "$name.err")"
	rm -f "$name.csr" "$name.ext" "$name.err"
}

# dated_self_signed NAME CN START END [KEYSPEC]: NAME.key and NAME.crt, a
# self-signed certificate valid from START to END (YYYYMMDDHHMMSSZ, either
# in the past or the future: 'openssl ca' sets both, which 'openssl req'
# of OpenSSL 3.0 cannot), with digitalSignature; KEYSPEC ec:P-384 unless
# given.
dated_self_signed() {
	local name=$1 cn=$2 start=$3 end=$4 spec=${5:-ec:P-384} d
	d=$(mktemp -d "$T/ca.XXXXXX")
	: > "$d/index.txt"
	echo 1000 > "$d/serial"
	cat > "$d/ca.cnf" << CNF
[ca]
default_ca = dated
[dated]
database = $d/index.txt
new_certs_dir = $d
serial = $d/serial
default_md = sha384
policy = any
x509_extensions = signing
[any]
commonName = supplied
[signing]
keyUsage = critical, digitalSignature
basicConstraints = critical, CA:FALSE
CNF
	# shellcheck disable=SC2046
	openssl req $(key_args "$spec") -nodes -keyout "$name.key" -out "$d/csr" \
		-subj "/CN=$cn" 2> "$d/err" || die "certificate $name: $(cat "$d/err")"
	openssl ca -batch -config "$d/ca.cnf" -selfsign -keyfile "$name.key" \
		-in "$d/csr" -out "$name.crt" -notext -startdate "$start" \
		-enddate "$end" 2> "$d/err" || die "certificate $name: $(cat "$d/err")"
	chmod 600 "$name.key"
	rm -rf "$d"
}

# test_tsa NAME: a time-stamping authority's files in the current
# directory: NAME-ca.crt (its CA), NAME.key and NAME.crt (its certificate,
# extendedKeyUsage timeStamping, critical, as RFC 3161 demands) and
# NAME.cnf, the configuration 'openssl ts -reply' answers with
# (lib/fake_tsa.py serves it).
test_tsa() {
	local name=$1
	self_signed "$name-ca" "$name test CA" rsa:3072 30
	printf '%s\n' "[tsa_ext]" "extendedKeyUsage = critical, timeStamping" \
		"keyUsage = critical, digitalSignature" \
		"basicConstraints = critical, CA:FALSE" > "$name.ext"
	openssl req $(key_args ec:P-384) -nodes -keyout "$name.key" -out "$name.csr" \
		-subj "/CN=$name test TSA" 2> /dev/null || die "TSA $name: no key"
	openssl x509 -req -in "$name.csr" -CA "$name-ca.crt" -CAkey "$name-ca.key" \
		-CAcreateserial -days 30 -extfile "$name.ext" -extensions tsa_ext \
		-out "$name.crt" 2> /dev/null || die "TSA $name: no certificate"
	echo 01 > "$name.serial"
	cat > "$name.cnf" << CNF
[ tsa ]
default_tsa = tsa_config1
[ tsa_config1 ]
serial = $PWD/$name.serial
crypto_device = builtin
signer_cert = $PWD/$name.crt
certs = $PWD/$name.crt
signer_key = $PWD/$name.key
signer_digest = sha384
default_policy = 1.3.6.1.4.1.99999.1
other_policies = 1.3.6.1.4.1.99999.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
CNF
	rm -f "$name.csr" "$name.ext"
}

# start_fake NAME SCRIPT [ARGS...]: start a fake server (a Python script
# under tests/, which prints "PORT <n>" once it listens, as fake_https.py
# and tls/peers.py do); sets PORT_<NAME> (- becomes _). Its standard output
# is kept in $T/NAME.port.
start_fake() {
	local name=$1 script=$2 var
	shift 2
	rm -f "$T/$name.port"
	python3 "$TESTS/$script" "$@" > "$T/$name.port" &
	disown
	for _ in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.1
	done
	var=PORT_${name//-/_}
	printf -v "$var" %s "$(awk '{print $2; exit}' "$T/$name.port")"
	[[ ${!var} =~ ^[0-9]+$ ]] || die "fake $name ($script) did not start"
}

# kill_at POINT COMMAND...: run the command until the test hook POINT
# (FIPSEV_TEST_STOP_AT), then SIGKILL it right there.
kill_at() {
	local point=$1 pid
	shift
	FIPSEV_TEST_STOP_AT=$point "$@" > /dev/null 2> "$T/hook.err" &
	pid=$!
	wait_stopped "$pid"
	grep -q "test hook '$point' reached" "$T/hook.err" || die "hook $point not reported"
	kill -KILL "$pid"
	wait "$pid" 2> /dev/null || true
}

sql() {
	sqlite3 -batch -noheader "$1" "$2"
}

# SQL for a document's bytes as collected: fipsev deflates large bodies
# (encoding 'deflate', zlib's compress2), which the sqlite3 shell's
# sqlar_uncompress() undoes; a body already `size` bytes long is returned
# as it is.
DOC_BYTES='sqlar_uncompress(body, size)'

# The store passes SQLite's own check, holds no half-written run, and
# every document still hashes to the key it is stored under.
store_sound() {
	local db=$1 sha
	[ "$(sql "$db" 'PRAGMA integrity_check')" = ok ] || die "$db: integrity_check failed"
	[ "$(sql "$db" "SELECT count(*) FROM runs WHERE status != 'complete'")" = 0 ] ||
		die "$db: a run is not complete"
	[ "$(sql "$db" 'SELECT count(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM evidence e WHERE e.run_id = r.id)')" = 0 ] ||
		die "$db: a run has no evidence"
	for sha in $(sql "$db" 'SELECT sha256 FROM documents'); do
		sql "$db" "SELECT writefile('$T/doc', $DOC_BYTES) FROM documents WHERE sha256 = '$sha'" > /dev/null
		[ "$(sha256sum < "$T/doc" | cut -d' ' -f1)" = "$sha" ] || die "$db: document $sha is corrupt"
	done
	checks=$((checks + 1))
}

# The secrets planted in the fixtures' Helm values (samples/cluster/generate:
# an override file's license, SMTP, key and certificate shapes, the delegate
# chart's token and its custom_envs {name, value} list) and in cluster.sh's
# traps.yaml: none may ever reach a store or a bundle.
TRAPS=(LICENSE-NG-TRAP LICENSE-CG-TRAP Smtp-Pa55word-TRAP GRAPHQL-KEY-TRAP
	MIIB-TRAP-CERT eyJhbGciOiJIUzI1NiJ9 UriSecret-TRAP DELEGATE-TOKEN-TRAP
	ARTIFACTORY-TOKEN-TRAP DBPW-TRAP
	YAML-PASSWORD-TRAP YAML-ALIAS-TRAP YAML-PEM-TRAP YAML-TOKEN-TRAP)

# no_traps_in PATH...: no planted secret in these files or directories,
# searched as raw bytes; a store among them is also searched with every
# document inflated (fipsev deflates large bodies, so its raw bytes alone
# prove nothing).
no_traps_in() {
	local t p n=0
	for p in "$@"; do
		if [ -f "$p" ] && [ "$(head -c 15 "$p")" = "SQLite format 3" ]; then
			n=$((n + 1))
			sql "$p" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents" > "$T/inflated-$n"
		fi
	done
	for t in "${TRAPS[@]}"; do
		if grep -r -a -l -F -- "$t" "$@" $(seq -f "$T/inflated-%g" 1 $n) > "$T/trapped"; then
			die "$(head -1 "$T/trapped") holds the secret '$t'"
		fi
	done
}

# edit_release FILE PYTHON: run PYTHON (a statement on `rel`) over every
# revision of the Harness release in a copied helm-releases.json, stored
# again as Helm stores it (Secrets driver).
edit_release() {
	python3 - "$1" "$2" << 'PY'
import base64, gzip, json, sys
path, code = sys.argv[1], sys.argv[2]
lst = json.load(open(path))
for item in lst["items"]:
    rel = json.loads(gzip.decompress(base64.b64decode(base64.b64decode(item["data"]["release"]))))
    if rel["chart"]["metadata"]["name"] == "harness":
        exec(code)
    body = base64.b64encode(gzip.compress(json.dumps(rel).encode(), mtime=0))
    item["data"]["release"] = base64.b64encode(body).decode()
json.dump(lst, open(path, "w"))
PY
}

# A fingerprint of the runs already stored, to prove they are untouched.
runs_fingerprint() {
	sql "$1" "SELECT r.id, r.started_utc, r.finished_utc, r.verdict, e.subject, e.sha256
		FROM runs r JOIN evidence e ON e.run_id = r.id ORDER BY r.id, e.subject"
}

# A test whose input is missing is reported skipped (ctest's
# SKIP_RETURN_CODE, 77), never passed: skip_all when nothing can run,
# skip_part when some checks cannot (finish then exits 77 too).
SKIP=77
skipped=()
skip_all() {
	echo "$(basename "$0"): skipped: $*"
	exit "$SKIP"
}
skip_part() {
	echo "$(basename "$0"): part skipped: $*"
	skipped+=("$*")
}

finish() {
	echo "$(basename "$0"): $checks checks passed"
	if [ "${#skipped[@]}" -gt 0 ]; then
		echo "$(basename "$0"): reported skipped, since part of its input is missing: ${skipped[*]}"
		exit "$SKIP"
	fi
}
