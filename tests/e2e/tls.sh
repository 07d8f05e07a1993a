#!/usr/bin/env bash
# tls.sh - "fipsev scan" against real TLS servers on loopback: openssl
# s_server in several configurations, nginx, stunnel, an SMTP server with
# STARTTLS, and hostile peers. Expected results come from each server's
# configuration, and every accepted list is cross-checked with sslscan on
# the same endpoint.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

for tool in openssl sslscan nginx stunnel4 python3 jq; do
	command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] ||
		die "$tool is not installed (scripts/install-deps installs it)"
done

# --- certificates -----------------------------------------------------
cd "$T"
self_signed rsa localhost rsa:2048 30 DNS:localhost,IP:127.0.0.1
self_signed ec fipsev.test ec:P-256 30 DNS:fipsev.test
# A CA, and a leaf it signs with SHA-1 over a 1024-bit key: both wrong.
self_signed ca fipsev-test-ca rsa:2048 30
openssl req -newkey rsa:1024 -nodes -keyout weak.key -out weak.csr \
	-subj /CN=weak.test 2> /dev/null
openssl x509 -req -in weak.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
	-sha1 -days 30 -out weak.crt 2> /dev/null
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe3072 \
	-out ffdhe3072.pem 2> /dev/null
# The CA also runs 'openssl ca', for an expired leaf and a leaf with a
# stapled OCSP response.
touch index.txt
echo 1000 > serial
cat > ca.cnf << EOF
[ca]
default_ca = test_ca
[test_ca]
database = $T/index.txt
new_certs_dir = $T
serial = $T/serial
default_md = sha256
policy = any
copy_extensions = copy
[any]
commonName = supplied
EOF
for leaf in expired stapled; do
	openssl req -newkey rsa:2048 -nodes -keyout "$leaf.key" -out "$leaf.csr" \
		-subj "/CN=$leaf.test" 2> /dev/null
done
openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -notext \
	-in expired.csr -out expired.crt -startdate 20200101000000Z \
	-enddate 20210101000000Z 2> /dev/null
openssl ca -batch -config ca.cnf -cert ca.crt -keyfile ca.key -notext \
	-in stapled.csr -out stapled.crt -days 30 2> /dev/null
openssl ocsp -index index.txt -rsigner ca.crt -rkey ca.key -CA ca.crt \
	-issuer ca.crt -cert stapled.crt -respout stapled.ocsp -ndays 1 \
	> /dev/null 2>&1

s_server fips -cert rsa.crt -key rsa.key -serverpref \
	-cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384 \
	-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384 \
	-groups P-256:P-384 \
	-sigalgs RSA-PSS+SHA256:RSA-PSS+SHA384:RSA+SHA256:RSA+SHA384
s_server legacy -cert rsa.crt -key rsa.key -min_protocol TLSv1 \
	-cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'
s_server chacha -cert rsa.crt -key rsa.key -tls1_3 \
	-ciphersuites TLS_CHACHA20_POLY1305_SHA256
s_server ecdsa -cert ec.crt -key ec.key -tls1_2 -groups P-256 \
	-cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384 \
	-sigalgs ECDSA+SHA256:ECDSA+SHA384
s_server dhe -cert rsa.crt -key rsa.key -tls1_2 \
	-cipher DHE-RSA-AES128-GCM-SHA256 -dhparam ffdhe3072.pem \
	-sigalgs RSA-PSS+SHA256:RSA+SHA256
s_server weak -cert weak.crt -key weak.key -cert_chain ca.crt \
	-cipher 'ALL:@SECLEVEL=0' -tls1_2
s_server expired -cert expired.crt -key expired.key -cert_chain ca.crt \
	-tls1_3
s_server stapled -cert stapled.crt -key stapled.key -cert_chain ca.crt \
	-tls1_3 -status_file stapled.ocsp
s_server sni -cert rsa.crt -key rsa.key -servername fipsev.test \
	-cert2 ec.crt -key2 ec.key -tls1_2 -groups P-256 \
	-cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256 \
	-sigalgs ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256

# nginx: a FIPS-minded TLS 1.2/1.3 site with P-384 only.
start_nginx nginx << EOF
	server {
		listen 127.0.0.1:@PORT@ ssl;
		ssl_certificate $T/rsa.crt;
		ssl_certificate_key $T/rsa.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers ECDHE-RSA-AES256-GCM-SHA384;
		ssl_conf_command Ciphersuites TLS_AES_256_GCM_SHA384;
		ssl_conf_command SignatureAlgorithms RSA-PSS+SHA256:RSA+SHA256:RSA-PSS+SHA384;
		ssl_ecdh_curve secp384r1;
		ssl_prefer_server_ciphers on;
		return 200 "ok\n";
	}
EOF

# stunnel: TLS 1.2 with RSA key transport only.
PORT_stunnel=$(free_port)
PORT_sink=$(free_port)
cat > "$T/stunnel.conf" << EOF
foreground = yes
pid =
[tls]
accept = 127.0.0.1:$PORT_stunnel
connect = 127.0.0.1:$PORT_sink
cert = $T/rsa.crt
key = $T/rsa.key
sslVersionMin = TLSv1.2
sslVersionMax = TLSv1.2
ciphers = AES256-SHA:AES128-GCM-SHA256
EOF
STUNNEL=$(command -v stunnel4 || echo /usr/bin/stunnel4)
"$STUNNEL" "$T/stunnel.conf" > "$T/stunnel.log" 2>&1 &
disown
wait_port 127.0.0.1 "$PORT_stunnel"

peer smtp rsa.crt rsa.key
peer smtp-plain
for m in silent garbage midrecord bigrecord dribble reset sslv2; do
	peer "$m"
done
peer stall "$PORT_nginx"	# nginx's ServerHello, then nothing
PORT_dead=$(free_port)	# nothing listens there


# --- FIPS-minded s_server: compliant ------------------------------------
scan 0 "127.0.0.1:$PORT_fips"
check "fips: protocols" [ "$(jqe '.protocols | join(",")')" = TLSv1.2,TLSv1.3 ]
check "fips: suites" [ "$(jqe '[.ciphers[] | "\(.protocol)/\(.iana_name)"] | sort | join(" ")')" = \
	"TLSv1.2/TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 TLSv1.2/TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 TLSv1.3/TLS_AES_128_GCM_SHA256 TLSv1.3/TLS_AES_256_GCM_SHA384" ]
check "fips: ids" [ "$(jqe '[.ciphers[].id] | sort | join(",")')" = 0x1301,0x1302,0xC02F,0xC030 ]
check "fips: all approved" [ "$(jqe '[.ciphers[].fips_approved] | all')" = true ]
check "fips: groups" [ "$(jqe '[.groups[].name] | sort | join(",")')" = secp256r1,secp384r1 ]
check "fips: server order" [ "$(jqe '.server_order | [.[]] | all')" = true ]
check "fips: sigalgs" [ "$(jqe '[.sigalgs[].name] | sort | join(",")')" = \
	rsa_pkcs1_sha256,rsa_pkcs1_sha384,rsa_pss_rsae_sha256,rsa_pss_rsae_sha384 ]
check "fips: TLS 1.3 sigalgs" [ "$(jqe '[.sigalgs[] | select(.protocols | index("TLSv1.3")) | .name] | join(",")')" = \
	rsa_pss_rsae_sha256,rsa_pss_rsae_sha384 ]
check "fips: EMS" [ "$(jqe .extended_master_secret)" = true ]
check "fips: renegotiation" [ "$(jqe .secure_renegotiation)" = true ]
check "fips: no compression" [ "$(jqe .compression)" = false ]
check "fips: certificate" [ "$(jqe '.certificate.chain[0] | "\(.key_type) \(.key_bits) \(.signature_algorithm)"')" = \
	"RSA 2048 sha256WithRSAEncryption" ]
check "fips: SAN" [ "$(jqe '.certificate.chain[0].sans | join(",")')" = DNS:localhost,IP:127.0.0.1 ]
check "fips: verification recorded" [ "$(jqe .certificate.verification.ok)" = false ]
check "fips: no findings" [ "$(jqe '.findings | length')" = 0 ]
check "fips: no error" [ "$(jqe .error)" = null ]
same_as_sslscan "127.0.0.1:$PORT_fips"
few_connections
# The same, verified against the test CA: verification recorded as ok.
scan 0 --ca-file rsa.crt "127.0.0.1:$PORT_fips"
check "fips: verified with --ca-file" [ "$(jqe .certificate.verification.ok)" = true ]

# --- permissive legacy s_server: everything, classified ---------------
scan 1 "127.0.0.1:$PORT_legacy"
check "legacy: protocols" [ "$(jqe '.protocols | join(",")')" = TLSv1.0,TLSv1.1,TLSv1.2,TLSv1.3 ]
check "legacy: NULL-MD5 at TLS 1.0" [ "$(jqe '[.ciphers[] | select(.protocol == "TLSv1.0" and .id == "0x0001")][0].fips_status')" = not-approved ]
check "legacy: anon suites found" [ "$(jqe '[.ciphers[] | select(.iana_name | test("_anon_"))] | length > 0')" = true ]
check "legacy: TLS 1.0 deprecated" grep -q '"TLSv1.0 accepted: deprecated' "$T/out"
check "legacy: no suite approved that uses RSA key transport" \
	[ "$(jqe '[.ciphers[] | select(.iana_name | startswith("TLS_RSA_WITH")) | .fips_approved] | any')" = false ]
same_as_sslscan "127.0.0.1:$PORT_legacy"
few_connections

# --- TLS 1.3 only, ChaCha20 -------------------------------------------
scan 1 "127.0.0.1:$PORT_chacha"
check "chacha: protocols" [ "$(jqe '.protocols | join(",")')" = TLSv1.3 ]
check "chacha: suite" [ "$(jqe '[.ciphers[] | "\(.iana_name):\(.fips_status)"] | join(",")')" = \
	TLS_CHACHA20_POLY1305_SHA256:not-approved ]
check "chacha: no TLS 1.2 features claimed" [ "$(jqe .secure_renegotiation)" = null ]
check "chacha: TLS 1.3 signature seen" [ "$(jqe '[.sigalgs[] | select(.protocols | index("TLSv1.3"))] | length > 0')" = true ]
same_as_sslscan "127.0.0.1:$PORT_chacha"

# --- ECDSA certificate ------------------------------------------------
scan 0 "127.0.0.1:$PORT_ecdsa"
check "ecdsa: key" [ "$(jqe '.certificate.chain[0].key_type')" = EC:prime256v1 ]
check "ecdsa: key approved" [ "$(jqe '.certificate.chain[0].key_fips.fips_approved')" = true ]
check "ecdsa: suites" [ "$(jqe '[.ciphers[].id] | sort | join(",")')" = 0xC02B,0xC02C ]
check "ecdsa: sigalg" [ "$(jqe '[.sigalgs[].name] | index("ecdsa_secp256r1_sha256") != null')" = true ]
same_as_sslscan "127.0.0.1:$PORT_ecdsa"

# --- DHE with an RFC 7919 group -----------------------------------------
scan 0 "127.0.0.1:$PORT_dhe"
check "dhe: ffdhe3072 named" [ "$(jqe '[.groups[] | select(.name == "ffdhe3072")][0].bits')" = 3072 ]
check "dhe: suite" [ "$(jqe '[.ciphers[].iana_name] | join(",")')" = TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 ]

# --- a weak certificate chain ---------------------------------------------
scan 1 "127.0.0.1:$PORT_weak"
check "weak: 1024-bit key refused" [ "$(jqe '.certificate.chain[0].key_fips.fips_status')" = not-approved ]
check "weak: SHA-1 signature refused" [ "$(jqe '.certificate.chain[0].signature_fips.fips_status')" = not-approved ]
check "weak: CA certificate sent" [ "$(jqe '.certificate.chain | length')" = 2 ]
check "weak: findings name the key" grep -q 'certificate 0 key: not-approved' "$T/out"

# --- an expired certificate, and OCSP stapling ---------------------------------
scan 1 "127.0.0.1:$PORT_expired"
check "expired: validity" [ "$(jqe '.certificate.chain[0] | "\(.validity) \(.validity_fips.fips_status) \(.not_after)"')" = \
	"expired not-approved 2021-01-01T00:00:00Z" ]
check "expired: finding" grep -q 'certificate 0 validity: not-approved (the certificate has expired' "$T/out"
check "expired: verification says so" [ "$(jqe .certificate.verification.ok)" = false ]
check "no staple" [ "$(jqe .certificate.ocsp_stapling.stapled)" = false ]
scan 1 --ca-file ca.crt --sni stapled.test "127.0.0.1:$PORT_stapled"
check "stapled: response" [ "$(jqe '.certificate.ocsp_stapling | "\(.stapled) \(.response_status)"')" = "true successful" ]
check "stapled: verified" [ "$(jqe .certificate.verification.ok)" = true ]

# --- SNI picks the certificate ------------------------------------------
scan 0 --sni fipsev.test "127.0.0.1:$PORT_sni"
check "sni: named certificate" [ "$(jqe '.certificate.chain[0].key_type')" = EC:prime256v1 ]
check "sni: recorded" [ "$(jqe .sni)" = fipsev.test ]
scan 0 "127.0.0.1:$PORT_sni"
check "sni: default certificate" [ "$(jqe '.certificate.chain[0].key_type')" = RSA ]

# --- host names -----------------------------------------------------------
scan 0 "localhost:$PORT_fips"
check "localhost: resolved" grep -Eqx '127.0.0.1|::1' <(jqe .address)
check "localhost: SNI is the host name" [ "$(jqe .sni)" = localhost ]

# --- nginx and stunnel ------------------------------------------------------
scan 0 "127.0.0.1:$PORT_nginx"
check "nginx: suites" [ "$(jqe '[.ciphers[].id] | sort | join(",")')" = 0x1302,0xC030 ]
check "nginx: P-384 only" [ "$(jqe '[.groups[].name] | join(",")')" = secp384r1 ]
same_as_sslscan "127.0.0.1:$PORT_nginx"
scan 1 "127.0.0.1:$PORT_stunnel"
check "stunnel: protocols" [ "$(jqe '.protocols | join(",")')" = TLSv1.2 ]
check "stunnel: RSA key transport refused" [ "$(jqe '[.ciphers[] | select(.id == "0x0035")][0].fips_status')" = not-approved ]
same_as_sslscan "127.0.0.1:$PORT_stunnel"

# --- SMTP STARTTLS ----------------------------------------------------------
scan 1 --starttls smtp "127.0.0.1:$PORT_smtp"
check "smtp: TLS found" [ "$(jqe '.protocols | join(",")')" = TLSv1.2,TLSv1.3 ]
check "smtp: recorded" [ "$(jqe .starttls)" = smtp ]
check "smtp: certificate" [ "$(jqe '.certificate.chain[0].subject')" = CN=localhost ]
same_as_sslscan "127.0.0.1:$PORT_smtp" --starttls-smtp
scan 1 --starttls smtp "127.0.0.1:$PORT_smtp_plain"
check "smtp-plain: error" [ "$(jqe .error)" = "SMTP server does not offer STARTTLS" ]

# --- IPv6 ---------------------------------------------------------------------
if (python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))') 2> /dev/null; then
	port=$(free_port)
	openssl s_server -accept "[::1]:$port" -6 -www -quiet -cert rsa.crt -key rsa.key \
		> "$T/v6.log" 2>&1 < /dev/null &
	disown
	wait_port ::1 "$port"
	scan 1 "[::1]:$port"
	check "ipv6: address" [ "$(jqe .address)" = ::1 ]
	check "ipv6: scanned" [ "$(jqe '.protocols | index("TLSv1.3") != null')" = true ]
else
	echo "tls.sh: no IPv6 loopback here, IPv6 case skipped"
fi

# --- hostile and dead endpoints: each fails alone, in time ------------------
start=$(date +%s)
scan 1 --timeout 2 "127.0.0.1:$PORT_silent" "127.0.0.1:$PORT_garbage" \
	"127.0.0.1:$PORT_midrecord" "127.0.0.1:$PORT_bigrecord" \
	"127.0.0.1:$PORT_dribble" "127.0.0.1:$PORT_reset" "127.0.0.1:$PORT_dead" \
	"127.0.0.1:$PORT_fips"
elapsed=$(($(date +%s) - start))
check "hostile: within the timeouts ($elapsed s)" [ "$elapsed" -le 10 ]
err() {
	jq -r ".endpoints[$1].error" "$T/out"
}
check "silent" [ "$(err 0)" = "no answer within 2000 ms" ]
check "garbage" [ "$(err 1)" = 'not TLS: the server sent 48 54 54 50 2f ("HTTP/")' ]
check "midrecord" [ "$(err 2)" = "connection closed mid-record after 15 bytes" ]
check "bigrecord" [ "$(err 3)" = "handshake message of 16777215 bytes is over the 262144-byte limit" ]
check "dribble" grep -Eq 'answer incomplete after 2000 ms \([0-9]+ bytes\)' <(err 4)
check "reset" [ "$(err 5)" = "connection reset without an answer" ]
check "dead" [ "$(err 6)" = "cannot connect: Connection refused" ]
check "hostile: none compliant" [ "$(jq '[.endpoints[0:7][].compliant] | any' "$T/out")" = false ]
check "hostile: good endpoint unharmed" [ "$(jq -r '.endpoints[7] | "\(.compliant) \(.error)"' "$T/out")" = "true null" ]
# A server that stalls after its ServerHello: what the ServerHellos showed
# is kept, every enumeration that needed more is named as cut short, and
# the endpoint fails alone, in time.
start=$(date +%s)
scan 1 --timeout 2 "127.0.0.1:$PORT_stall" "127.0.0.1:$PORT_fips"
elapsed=$(($(date +%s) - start))
check "stall: within the timeouts ($elapsed s)" [ "$elapsed" -le 10 ]
check "stall: protocols from the ServerHellos" [ "$(jqe '.protocols | join(",")')" = TLSv1.2,TLSv1.3 ]
check "stall: suites from the ServerHellos" [ "$(jqe '[.ciphers[] | select(.protocol == "TLSv1.3") | .iana_name] | join(",")')" = TLS_AES_256_GCM_SHA384 ]
check "stall: TLS 1.2 groups cut short" grep -Eq '^TLSv1.2 groups not fully enumerated: answer incomplete after 2000 ms \([0-9]+ bytes\)$' <(jqe '.incomplete[]')
check "stall: TLS 1.2 sigalgs cut short" grep -q '^TLSv1.2 signature algorithms not fully enumerated' <(jqe '.incomplete[]')
check "stall: each gap is a finding" [ "$(jqe '[.findings[] | select(startswith("evidence incomplete: "))] | length')" = "$(jqe '.incomplete | length')" ]
check "stall: no certificate, said why" grep -q '"no certificate evidence: no answer within 2000 ms"' "$T/out"
check "stall: not compliant" [ "$(jqe .compliant)" = false ]
check "stall: good endpoint unharmed" [ "$(jq -r '.endpoints[1] | "\(.compliant) \(.error) \(.incomplete | length)"' "$T/out")" = "true null 0" ]
# SSL 2.0, from the one peer that still speaks it.
scan 1 --timeout 2 "127.0.0.1:$PORT_sslv2"
check "sslv2: protocol" [ "$(jqe '.protocols | join(",")')" = SSLv2 ]
check "sslv2: kinds" [ "$(jqe '[.ciphers[] | "\(.id) \(.iana_name) \(.fips_status)"] | join(",")')" = \
	"0x010080 SSL_CK_RC4_128_WITH_MD5 not-approved,0x0700C0 SSL_CK_DES_192_EDE3_CBC_WITH_MD5 not-approved" ]
check "sslv2: finding" grep -q '"SSLv2 accepted: not-approved' "$T/out"
scan 0 "127.0.0.1:$PORT_fips"
check "sslv2: OpenSSL answers in TLS" [ "$(jqe '.protocol_probes.SSLv2')" = "answered in TLS, not SSL 2.0" ]
# The endpoint timeout bounds an endpoint whatever its probes do.
scan 1 --timeout 5 --endpoint-timeout 1 "127.0.0.1:$PORT_dribble"
check "endpoint timeout" grep -q 'not finished within 1000 ms' <(err 0)

# --- the text report --------------------------------------------------------
run 1 "$FIPSEV" scan "127.0.0.1:$PORT_legacy"
check "text: verdict first" grep -q "^127.0.0.1:$PORT_legacy (127.0.0.1): NOT compliant" "$T/out"
check "text: suites marked" grep -Eq '^    TLSv1.0  TLS_RSA_WITH_NULL_MD5 +NOT APPROVED' "$T/out"

# --- the policy is data -------------------------------------------------------
sed 's/^protocol\tTLSv1.2\tapproved/protocol\tTLSv1.2\tnot-approved/' \
	"$SAMPLES/../data/tls/fips-policy.tsv" > policy.tsv
scan 1 --policy policy.tsv "127.0.0.1:$PORT_fips"
check "policy file: TLS 1.2 now refused" [ "$(jqe '.protocol_details[0].fips_status')" = not-approved ]
printf 'protocol\tTLSv1.2\tmaybe\tref\twhy\n' > bad-policy.tsv
run 2 "$FIPSEV" scan --policy bad-policy.tsv "127.0.0.1:$PORT_fips"
check "bad policy: one line naming file and line" grep -qx "fipsev: bad-policy.tsv line 1: status 'maybe' is not approved, deprecated or not-approved" "$T/err"

# --- collect --tls: stored with the run ------------------------------------
db=$T/tls.db
run 1 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" \
	--tls "127.0.0.1:$PORT_fips,127.0.0.1:$PORT_legacy" --db "$db"
check "collect: summary" grep -q "1 node, 2 TLS endpoints, NOT compliant" "$T/out"
check "collect: facts" [ "$(sql "$db" "SELECT group_concat(compliant, ',') FROM (SELECT compliant FROM tls_facts ORDER BY target = '127.0.0.1:$PORT_fips')")" = 0,1 ]
check "collect: suites indexed" [ "$(sql "$db" "SELECT suites FROM tls_facts WHERE target = '127.0.0.1:$PORT_fips'")" = \
	'["TLSv1.2 0xC02F","TLSv1.2 0xC030","TLSv1.3 0x1301","TLSv1.3 0x1302"]' ]
check "collect: evidence rows" [ "$(sql "$db" "SELECT count(*) FROM evidence WHERE collector = 'tls'")" = 2 ]
store_sound "$db"
run 0 "$FIPSEV" collect --tls "127.0.0.1:$PORT_fips" --db "$db"
run 0 "$FIPSEV" collect --tls "127.0.0.1:$PORT_fips" --db "$db"
check "collect: compliant run" [ "$(sql "$db" 'SELECT verdict FROM runs ORDER BY id DESC LIMIT 1')" = compliant ]
check "collect: unchanged endpoint stored once" [ "$(sql "$db" "SELECT count(DISTINCT sha256) FROM evidence WHERE subject = '127.0.0.1:$PORT_fips'")" = 1 ]
run 0 "$FIPSEV" show latest --json --db "$db"
check "show: TLS document" [ "$(jq -r '.evidence[0] | "\(.collector) \(.document.format) \(.document.endpoints[0].compliant)"' "$T/out")" = "tls fipsev-tls/1 true" ]
check "show: counts" [ "$(jq -r '.run | "\(.endpoints) \(.endpoints_compliant)"' "$T/out")" = "1 1" ]
run 0 "$FIPSEV" show latest --db "$db"
check "show: text" grep -q "^TLS endpoint evidence '127.0.0.1:$PORT_fips'" "$T/out"
run 2 "$FIPSEV" collect --tls "127.0.0.1:$PORT_fips,bad:port" --db "$db"
check "collect: bad target" grep -q "bad target 'bad:port'" "$T/err"
store_sound "$db"

# --- bad input ------------------------------------------------------------------
run 2 "$FIPSEV" scan
check "no target" grep -q "no target" "$T/err"
run 2 "$FIPSEV" scan 127.0.0.1:99999
check "bad port" grep -qx "fipsev: bad target '127.0.0.1:99999': port must be 1-65535" "$T/err"
run 2 "$FIPSEV" scan ::1:443
check "bare IPv6" grep -q "write an IPv6 address as \[ADDRESS\]:PORT" "$T/err"
run 2 "$FIPSEV" scan --starttls imap 127.0.0.1:1
check "starttls imap" grep -q "only 'smtp' is supported" "$T/err"
run 2 "$FIPSEV" scan --timeout 0 127.0.0.1:1
check "bad timeout" grep -q -- "--timeout '0'" "$T/err"
run 2 "$FIPSEV" scan --policy /nonexistent 127.0.0.1:1
check "missing policy" grep -q "cannot open '/nonexistent'" "$T/err"
run 1 "$FIPSEV" scan --json no-such-host.invalid:443
check "unresolvable host" grep -q "cannot resolve 'no-such-host.invalid'" "$T/out"

# --- progress: on a terminal only -------------------------------------------------
# script(1) gives fipsev a pseudo-terminal; its output is what a person sees.
run 1 "$FIPSEV" scan "127.0.0.1:$PORT_fips" "127.0.0.1:$PORT_chacha"
check "no progress into a pipe" absent "scanning TLS endpoints" "$T/err"
TERM=xterm script -qec "$FIPSEV scan 127.0.0.1:$PORT_fips 127.0.0.1:$PORT_chacha" /dev/null > "$T/tty" || true
check "progress on a terminal" grep -aq "scanning TLS endpoints 2/2" "$T/tty"
# The line is erased (CR, erase to end of line) before the results.
check "progress erased" grep -aq $'\r\033\[K127.0.0.1' "$T/tty"
TERM=dumb script -qec "$FIPSEV scan 127.0.0.1:$PORT_fips" /dev/null > "$T/tty" || true
check "no progress on a dumb terminal" absent "scanning TLS endpoints" "$T/tty"

finish
