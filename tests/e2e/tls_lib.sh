# tls_lib.sh - what the TLS scanner's tests share: real servers and peers
# on loopback, scanning, and the cross-check with sslscan. Sourced after
# lib.sh (which owns ports, certificates and starting fakes), from $T.
# s_server NAME ARGS...: start openssl s_server; sets PORT_<NAME>.
s_server() {
	local name=$1 port
	shift
	port=$(free_port)
	openssl s_server -accept "127.0.0.1:$port" -www -quiet "$@" \
		> "$T/$name.log" 2>&1 < /dev/null &
	disown
	wait_port 127.0.0.1 "$port"
	printf -v "PORT_$name" %s "$port"
}

# start_nginx NAME: start nginx with the server block read from stdin, where
# @PORT@ is a free port; sets PORT_<NAME>.
start_nginx() {
	local name=$1 port dir=$T/nginx-$1
	port=$(free_port)
	mkdir -p "$dir"
	{
		cat << EOF
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 256; }
http {
	access_log off;
	client_body_temp_path $dir;
	proxy_temp_path $dir;
	fastcgi_temp_path $dir;
	uwsgi_temp_path $dir;
	scgi_temp_path $dir;
EOF
		sed "s/@PORT@/$port/g"
		echo "}"
	} > "$dir/nginx.conf"
	"$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir" \
		-c "$dir/nginx.conf" > "$dir/out" 2>&1 &
	disown
	wait_port 127.0.0.1 "$port"
	printf -v "PORT_$name" %s "$port"
}

# peer MODE [ARGS...]: start a test peer (tls/peers.py); sets PORT_<MODE>
# (- becomes _).
peer() {
	local mode=$1
	shift
	start_fake "$mode" tls/peers.py "$mode" "$@"
}

# scan WANT_STATUS ARGS...: run fipsev scan --json; result in $T/out.
scan() {
	local want=$1 got
	shift
	set +e
	"$FIPSEV" scan --json "$@" > "$T/out" 2> "$T/err"
	got=$?
	set -e
	[ "$got" = "$want" ] || die "'fipsev scan $*' exited $got, want $want; stderr: $(cat "$T/err"); findings: $(jq -c '[.endpoints[] | .findings]' "$T/out" 2>&1 | head -c 2000)"
	checks=$((checks + 1))
}

# jqe FILTER: evaluate on the first endpoint of the last scan.
jqe() {
	jq -r ".endpoints[0] | $1" "$T/out"
}

# The accepted (protocol, suite id) pairs, one per line, sorted.
our_suites() {
	jq -r '.endpoints[0].ciphers[] | "\(.protocol) \(.id)"' "$T/out" |
		while read -r p id; do echo "$p $((id))"; done | sort
}

# sslscan's accepted pairs for the same endpoint, same format.
sslscan_suites() {
	sslscan --no-colour --xml=- "$@" 2> /dev/null |
		sed -n 's/.*<cipher status="\(accepted\|preferred\)" sslversion="\([^"]*\)".* id="\(0x[0-9a-fA-F]*\)".*/\2 \3/p' |
		while read -r p id; do echo "$p $((id))"; done | sort
}

our_groups() {
	jq -r '.endpoints[0].groups[] | select(.id != null) | .name as $n |
		.id as $id | .protocols[] | select(. == "TLSv1.3" or
		($n | test("^(ffdhe|modp|dh-)") | not)) | "\(.) \($id)"' "$T/out" |
		while read -r p id; do echo "$p $((id))"; done | sort
}

sslscan_groups() {
	sslscan --no-colour --xml=- "$@" 2> /dev/null |
		sed -n 's/.*<group sslversion="\([^"]*\)".* id="\(0x[0-9a-fA-F]*\)".*/\1 \2/p' |
		while read -r p id; do echo "$p $((id))"; done | sort
}

# same_as_sslscan TARGET [SSLSCAN OPTIONS...]: every suite and group
# sslscan finds, fipsev finds too. fipsev may find more only where
# SSLSCAN_GAPS names them ("PROTOCOL ID" lines, decimal ids, each a known
# gap of sslscan's, said where the test sets it). sslscan's answer does not
# depend on fipsev's build, so this runs in the plain build only.
same_as_sslscan() {
	local target=$1 what extra
	shift
	if [ "${FIPSEV_BUILD:-plain}" != plain ]; then
		return 0
	fi
	for what in suites groups; do
		"our_$what" > "$T/ours"
		"sslscan_$what" "$@" "$target" > "$T/theirs"
		[ "$what" = groups ] || [ -s "$T/theirs" ] ||
			die "$target: sslscan found no suites"
		comm -23 "$T/theirs" "$T/ours" > "$T/diff"
		[ ! -s "$T/diff" ] ||
			die "$target: sslscan found $what fipsev did not: $(tr '\n' ';' < "$T/diff")"
		comm -13 "$T/theirs" "$T/ours" > "$T/diff"
		while read -r extra; do
			grep -qxF "$extra" <<< "${SSLSCAN_GAPS:-}" ||
				die "$target: fipsev found $what '$extra' that sslscan did not, and no known sslscan gap says why"
		done < "$T/diff"
	done
	checks=$((checks + 1))
}

# Few connections: about one per accepted item, never one per code point.
few_connections() {
	local used items
	used=$(jqe .connections)
	items=$(jqe '(.ciphers | length) + ([.groups[].protocols[]] | length) + ([.sigalgs[].protocols[]] | length)')
	[ "$used" -le $((items + 20)) ] ||
		die "$(jqe .target): $used connections for $items accepted items"
	checks=$((checks + 1))
}
