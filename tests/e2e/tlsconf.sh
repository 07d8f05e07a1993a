#!/usr/bin/env bash
# tlsconf.sh - "fipsev scan" against real server configurations that once
# fooled it: an ECDSA certificate that bounds the TLS 1.2 groups, RSASSA-PSS
# certificate signatures, CCM-only and RSA-PSS-key TLS 1.3 servers, servers
# that require a client certificate, a gnutls server without RFC 5746, a
# load balancer at its connection limit, a server that dies mid-scan, many
# endpoints at a shared rate, and plain HTTP where TLS was expected. Each
# case is one a fipsev before this test called wrongly or silently short.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls_lib.sh"

for tool in openssl sslscan gnutls-serv nginx python3 jq; do
	command -v "$tool" > /dev/null || [ -x "/usr/sbin/$tool" ] ||
		die "$tool is not installed (scripts/install-deps installs it)"
done

# --- certificates -----------------------------------------------------
cd "$T"
self_signed rsa localhost rsa:2048 30
self_signed ec ec.test ec:P-256 30
# An RSA-PSS key (id-RSASSA-PSS in its SubjectPublicKeyInfo).
openssl genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 \
	-out pss.key 2> /dev/null
openssl req -x509 -new -key pss.key -out pss.crt -subj /CN=pss.test \
	-days 30 2> /dev/null
# A CA that signs two RSA leaves with RSASSA-PSS: one with SHA-256 and
# MGF1-SHA-256, one with the defaults of RFC 4055 (SHA-1, MGF1-SHA-1).
self_signed ca fipsev-test-ca rsa:2048 30
for h in sha256 sha1; do
	openssl req -newkey rsa:2048 -nodes -keyout "pss-$h.key" \
		-out "pss-$h.csr" -subj "/CN=pss-$h.test" 2> /dev/null
	openssl x509 -req -in "pss-$h.csr" -CA ca.crt -CAkey ca.key \
		-CAcreateserial -"$h" -sigopt rsa_padding_mode:pss \
		-sigopt "rsa_pss_saltlen:$([ "$h" = sha1 ] && echo 20 || echo 32)" \
		-days 30 -out "pss-$h.crt" 2> /dev/null
done
check "the SHA-1 leaf really is RSASSA-PSS with SHA-1" \
	grep -q 'Hash Algorithm: sha1' <(openssl x509 -in pss-sha1.crt -noout -text)

# --- servers ----------------------------------------------------------
# Only approved parameters, unless the case is about one that is not.
FIPS12=(-cipher ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
	-sigalgs RSA-PSS+SHA256:RSA+SHA256 -groups P-256:P-384)
s_server ecgroups -cert ec.crt -key ec.key -tls1_2 \
	-groups X25519:P-256:P-384:P-521 -sigalgs ECDSA+SHA256 \
	-cipher ECDHE-ECDSA-AES128-GCM-SHA256
# Both an ECDSA and an RSA certificate, the server's preference first:
# it always picks P-256 beside its ECDSA suites, X25519 only beside RSA.
s_server dual -cert ec.crt -key ec.key -dcert rsa.crt -dkey rsa.key \
	-serverpref -tls1_2 -groups P-256:X25519 \
	-sigalgs ECDSA+SHA256:RSA-PSS+SHA256:RSA+SHA256 \
	-cipher ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
s_server ecfips -cert ec.crt -key ec.key -tls1_2 -groups P-256:P-384 \
	-sigalgs ECDSA+SHA256:ECDSA+SHA384 -cipher ECDHE-ECDSA-AES128-GCM-SHA256
# SHA-1 in the CA's signature needs security level 0 to be served at all.
s_server psssha1 -cert pss-sha1.crt -key pss-sha1.key -cert_chain ca.crt \
	-tls1_2 -cipher 'ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' \
	-sigalgs RSA-PSS+SHA256:RSA+SHA256 -groups P-256
s_server psssha256 -cert pss-sha256.crt -key pss-sha256.key \
	-cert_chain ca.crt -tls1_2 "${FIPS12[@]}"
s_server ccm -cert rsa.crt -key rsa.key -tls1_3 \
	-ciphersuites TLS_AES_128_CCM_SHA256 -groups P-256:P-384
s_server ccm8 -cert rsa.crt -key rsa.key -tls1_3 \
	-ciphersuites TLS_AES_128_CCM_8_SHA256 -groups P-256
s_server psskey -cert pss.crt -key pss.key -tls1_3 \
	-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384 \
	-groups P-256:P-384
s_server mtls12 -cert rsa.crt -key rsa.key -tls1_2 -Verify 1 "${FIPS12[@]}"
s_server mtls13 -cert rsa.crt -key rsa.key -tls1_3 -Verify 1 \
	-ciphersuites TLS_AES_128_GCM_SHA256 -groups P-256
s_server fips -cert rsa.crt -key rsa.key -serverpref "${FIPS12[@]}" \
	-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384

# gnutls-serv: one without RFC 5746, and the same with it. (gnutls-serv
# has no listen-address option: it listens on every address, and the
# scans talk to 127.0.0.1 only.)
gnutls() {
	local name=$1 port
	shift
	port=$(free_port)
	gnutls-serv --port "$port" --x509certfile rsa.crt --x509keyfile rsa.key \
		--priority "NONE:+VERS-TLS1.2:+ECDHE-RSA:+AES-128-GCM:+AEAD:+GROUP-SECP256R1:+SIGN-RSA-SHA256:+COMP-NULL:+CTYPE-X509$1" \
		> "$T/$name.log" 2>&1 < /dev/null &
	disown
	wait_port 127.0.0.1 "$port"
	printf -v "PORT_$name" %s "$port"
}
gnutls noreneg :%DISABLE_SAFE_RENEGOTIATION
gnutls reneg ""
gnutls tls11 :+VERS-TLS1.1:+AES-128-CBC:+SHA1

# A load balancer that lets 1 connection through at a time and resets
# the others, a server that dies after its first 10 connections, and one
# that resets where it would send an alert.
peer dies "$PORT_fips" 10
peer rstalert "$PORT_fips"
peer limit "$PORT_tls11" 1
PORT_limit11=$PORT_limit
peer limit "$PORT_fips" 1

# nginx serving plain HTTP, as a load balancer's port 80 does.
start_nginx http << EOF
	server {
		listen 127.0.0.1:@PORT@;
		return 301 https://localhost/;
	}
EOF

names() {
	jqe "[.$1[] | $2] | join(\",\")"
}

# results DB CHECK: that check's results in the latest run's evaluation.
results() {
	sql "$1" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN runs r ON r.evaluation = d.sha256 ORDER BY r.id DESC LIMIT 1" |
		jq -r --arg c "$2" '[.findings[] | select(.check == $c) | .result] | join(",")'
}

# reasons DB CHECK: the same, its reasons.
reasons() {
	sql "$1" "SELECT CAST($DOC_BYTES AS TEXT) FROM documents d JOIN runs r ON r.evaluation = d.sha256 ORDER BY r.id DESC LIMIT 1" |
		jq -r --arg c "$2" '.findings[] | select(.check == $c) | .reason'
}

# --- 1. TLS 1.2 groups behind an ECDSA certificate --------------------------
# RFC 8422 §5.1.1: the client's groups bound the certificate's curve too,
# so P-256 stays offered while the others are enumerated.
scan 1 "127.0.0.1:$PORT_ecgroups"
check "ecdsa: every group the server takes" [ "$(names groups .name)" = \
	secp256r1,secp384r1,secp521r1,x25519 ]
check "ecdsa: all of them in TLS 1.2" [ "$(jqe '[.groups[].protocols[]] | unique | join(",")')" = TLSv1.2 ]
check "ecdsa: x25519 is a finding" grep -q '"group x25519 accepted: not-approved' "$T/out"
check "ecdsa: nothing cut short" [ "$(jqe '.incomplete | length')" = 0 ]
# sslscan drops the certificate's curve from its offer too, so it sees
# P-256 alone: the rest is its known gap.
SSLSCAN_GAPS=$'TLSv1.2 24\nTLSv1.2 25\nTLSv1.2 29' \
	same_as_sslscan "127.0.0.1:$PORT_ecgroups"
few_connections
scan 1 "127.0.0.1:$PORT_dual"
check "dual: X25519 behind the RSA suite" [ "$(names groups .name)" = secp256r1,x25519 ]
scan 0 "127.0.0.1:$PORT_ecfips"
check "ecdsa fips: P-256 and P-384" [ "$(names groups .name)" = secp256r1,secp384r1 ]
SSLSCAN_GAPS='TLSv1.2 24' same_as_sslscan "127.0.0.1:$PORT_ecfips"

# --- 2. RSASSA-PSS certificate signatures ---------------------------------
scan 1 "127.0.0.1:$PORT_psssha1"
check "pss sha1: parameters read" [ "$(jqe '.certificate.chain[0] | "\(.signature_algorithm) \(.signature_params.hash) \(.signature_params.mgf1_hash) \(.signature_params.salt_length)"')" = \
	"rsassaPss sha1 sha1 20" ]
check "pss sha1: not approved" [ "$(jqe '.certificate.chain[0].signature_fips.fips_status')" = not-approved ]
check "pss sha1: the finding says why" grep -q 'certificate 0 signature: not-approved (RSASSA-PSS with SHA-1' "$T/out"
scan 0 "127.0.0.1:$PORT_psssha256"
check "pss sha256: parameters read" [ "$(jqe '.certificate.chain[0] | "\(.signature_params.hash) \(.signature_params.mgf1_hash) \(.signature_params.salt_length)"')" = \
	"sha256 sha256 32" ]
check "pss sha256: approved" [ "$(jqe '.certificate.chain[0].signature_fips.fips_status')" = approved ]

# --- 3. TLS 1.3 with CCM or CCM_8 only ---------------------------------------
for s in ccm ccm8; do
	port=PORT_$s
	scan 0 "127.0.0.1:${!port}"
	check "$s: certificate" [ "$(jqe '.certificate.chain[0].subject')" = CN=localhost ]
	check "$s: negotiated" grep -q '^TLS_AES_128_CCM' <(jqe .certificate.negotiated.cipher)
	check "$s: TLS 1.3 signature schemes" [ "$(jqe '[.sigalgs[] | select(.protocols | index("TLSv1.3")) | .name] | join(",")')" = \
		rsa_pss_rsae_sha256,rsa_pss_rsae_sha384,rsa_pss_rsae_sha512 ]
	check "$s: nothing cut short" [ "$(jqe '.incomplete | length')" = 0 ]
	same_as_sslscan "127.0.0.1:${!port}"
done

# --- 4. An RSA-PSS key signs with rsa_pss_pss_* -----------------------------
scan 0 "127.0.0.1:$PORT_psskey"
check "pss key: key type" [ "$(jqe '.certificate.chain[0].key_type')" = RSA-PSS ]
check "pss key: schemes" [ "$(names sigalgs .name)" = \
	rsa_pss_pss_sha256,rsa_pss_pss_sha384,rsa_pss_pss_sha512 ]
check "pss key: the handshake's scheme" [ "$(jqe .certificate.negotiated.sigalg)" = rsa_pss_pss_sha256 ]

# --- 5. A client certificate required: the chain is evidence all the same --
scan 0 "127.0.0.1:$PORT_mtls12"
check "mtls 1.2: chain" [ "$(jqe '.certificate.chain[0].subject')" = CN=localhost ]
check "mtls 1.2: request noted" [ "$(jqe .certificate.client_certificate_requested)" = true ]
check "mtls 1.2: the handshake's end noted" grep -q '^OpenSSL handshake failed: ' <(jqe .certificate.handshake_error)
scan 0 "127.0.0.1:$PORT_mtls13"
check "mtls 1.3: chain" [ "$(jqe '.certificate.chain[0].subject')" = CN=localhost ]
check "mtls 1.3: request noted" [ "$(jqe .certificate.client_certificate_requested)" = true ]
scan 0 "127.0.0.1:$PORT_fips"
check "no client certificate asked: noted" [ "$(jqe .certificate.client_certificate_requested)" = false ]

# --- 6. No RFC 5746: measured anyway, judged not approved ---------------------
scan 1 "127.0.0.1:$PORT_noreneg"
check "no 5746: certificate" [ "$(jqe '.certificate.chain[0].subject')" = CN=localhost ]
check "no 5746: recorded" [ "$(jqe .secure_renegotiation)" = false ]
check "no 5746: the one finding" [ "$(jqe '.findings | length')" = 1 ]
check "no 5746: cited" grep -q '"no-secure-renegotiation: not-approved (.*SP 800-52r2 §3.4.1' "$T/out"
# No cross-check here: sslscan 2.0 lists no suite at all for this server
# (what fipsev did before: OpenSSL refuses legacy renegotiation).
check "no 5746: sslscan sees no suite" [ ! -s <(sslscan_suites "127.0.0.1:$PORT_noreneg") ]
scan 0 "127.0.0.1:$PORT_reneg"
check "gnutls with 5746: compliant" [ "$(jqe '"\(.secure_renegotiation) \(.extended_master_secret) \(.certificate.chain[0].subject)"')" = \
	"true true CN=localhost" ]

# --- 7. Refused and reset connections are retried, or named ------------------
scan 0 "127.0.0.1:$PORT_fips"
jqe '[.ciphers[].id, .groups[].name, .sigalgs[].name, .certificate.chain[0].sha256] | join(",")' > "$T/direct"
direct=$(jqe .connections)
scan 0 "127.0.0.1:$PORT_limit"
jqe '[.ciphers[].id, .groups[].name, .sigalgs[].name, .certificate.chain[0].sha256] | join(",")' > "$T/limited"
check "limit: the same evidence as without the load balancer" cmp -s "$T/direct" "$T/limited"
check "limit: nothing cut short" [ "$(jqe '.incomplete | length')" = 0 ]
check "limit: connections retried" [ "$(jqe .connections)" -gt "$direct" ]
# Behind the same limit, a version that only a first probe would show is
# found every time: a reset first probe is tried again, alone.
for i in 1 2 3; do
	scan 1 "127.0.0.1:$PORT_limit11"
	check "limit: TLS 1.1 found ($i)" [ "$(jqe '.protocols | join(",")')" = TLSv1.1,TLSv1.2 ]
	check "limit: TLS 1.1 a finding ($i)" grep -q '"TLSv1.1 accepted: deprecated' "$T/out"
done
# A server that resets instead of alerting: a reset a lone connection
# gets every time is its "no", so the lists are whole, not cut short.
scan 0 "127.0.0.1:$PORT_rstalert"
jqe '[.ciphers[].id, .groups[].name, .sigalgs[].name, .certificate.chain[0].sha256] | join(",")' > "$T/resets"
check "rstalert: the same evidence as the server itself" cmp -s "$T/direct" "$T/resets"
check "rstalert: nothing cut short" [ "$(jqe '.incomplete | length')" = 0 ]
scan 1 "127.0.0.1:$PORT_dies"
check "dies: the lists cut short are named" [ "$(jqe '.incomplete | length')" -gt 0 ]
check "dies: each as refused" [ "$(jqe '[.incomplete[] | select(endswith("Connection refused") | not)] | length')" = 0 ]
check "dies: each gap a finding" [ "$(jqe '[.findings[] | select(startswith("evidence incomplete: "))] | length')" = "$(jqe '.incomplete | length')" ]
check "dies: not compliant" [ "$(jqe .compliant)" = false ]
# Stored, a list cut short with nothing wrong in what was seen is evidence
# missing, not a failure and never a pass.
db=$T/tls.db
peer dies "$PORT_fips" 10
run 1 "$FIPSEV" collect --tls "127.0.0.1:$PORT_dies" --db "$db"
check "dies: missing evidence" [ "$(results "$db" FIPS-TLS-ENDPOINT)" = missing-evidence ]

# --- 8. Many endpoints at a shared rate all finish -----------------------------
# 50 endpoints of some 25 connections each at 100 connections a second is
# 12 s of work: every endpoint must finish within 5 s of its first
# connection, not of the scan's start.
targets=()
for _ in $(seq 50); do
	targets+=("127.0.0.1:$PORT_fips")
done
scan 0 --rate 100 --endpoint-timeout 5 "${targets[@]}"
check "scale: all 50 finished" [ "$(jq '[.endpoints[] | select(.error == null and .compliant)] | length' "$T/out")" = 50 ]
check "scale: all alike" [ "$(jq '[.endpoints[] | [.ciphers[].id, .groups[].name] | join(",")] | unique | length' "$T/out")" = 1 ]

# --- 10. Plaintext where TLS was expected -------------------------------------
scan 1 "127.0.0.1:$PORT_http"
check "http: plaintext recorded" [ "$(jqe '"\(.plaintext.protocol) \(.plaintext.answer)"')" = "HTTP HTTP/1.1 400 Bad Request" ]
check "http: the finding" grep -q '"answers in plaintext where TLS was expected: HTTP' "$T/out"
run 1 "$FIPSEV" collect --tls "127.0.0.1:$PORT_http" --db "$db"
check "http: FIPS-TRANSIT-PLAINTEXT fails" [ "$(results "$db" FIPS-TRANSIT-PLAINTEXT)" = fail ]
check "http: ... saying a redirect cannot be told" grep -q 'a redirect to HTTPS cannot be told from content' <(reasons "$db" FIPS-TRANSIT-PLAINTEXT)
check "http: not a failed TLS scan" [ "$(results "$db" FIPS-TLS-ENDPOINT)" = not-applicable ]
run 0 "$FIPSEV" collect --tls "127.0.0.1:$PORT_fips" --db "$db"
check "tls: FIPS-TRANSIT-PLAINTEXT passes" [ "$(results "$db" FIPS-TRANSIT-PLAINTEXT)" = pass ]
# Discovered in a cluster: the Service's port name and appProtocol are
# recorded with the endpoint and named in the finding. The fixture's
# LoadBalancer is rewritten to these two loopback ports; its other
# targets (an SMTP server, an Ingress host) are excluded.
cp -r "$SAMPLES/cluster/compliant" "$T/snap"
jq --argjson tls "$PORT_fips" --argjson http "$PORT_http" '.items = [.items[] |
	select(.spec.type == "LoadBalancer") |
	.status.loadBalancer.ingress = [{ip: "127.0.0.1"}] |
	.spec.ports = [{name: "https", appProtocol: "https", port: $tls},
		{name: "http", appProtocol: "http", port: $http}]]' \
	"$SAMPLES/cluster/compliant/services.json" > "$T/snap/services.json"
run 1 "$FIPSEV" collect --snapshot "$T/snap" --scan-discovered \
	--exclude-tls smtp.example.com:587 --exclude-tls harness.example.com:443 \
	--db "$db"
check "discovered: both ports scanned" [ "$(sql "$db" "SELECT count(*) FROM tls_facts WHERE run_id = (SELECT max(id) FROM runs)")" = 2 ]
check "discovered: the plaintext port named" grep -q "the Service names the port http (appProtocol http)" <(reasons "$db" FIPS-TRANSIT-PLAINTEXT)
run 1 "$FIPSEV" show latest --json --db "$db"
check "discovered: recorded with the endpoint" [ "$(jq -r '[.evidence[] | select(.collector == "tls") | .document.endpoints[0].discovered_as | "\(.port_name)/\(.app_protocol)"] | sort | join(",")' "$T/out")" = http/http,https/https ]
check "discovered: the TLS port passes" [ "$(results "$db" FIPS-TLS-ENDPOINT | tr ',' '\n' | sort | tr '\n' ' ')" = "not-applicable pass " ]
store_sound "$db"

finish
