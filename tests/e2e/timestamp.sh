#!/usr/bin/env bash
# timestamp.sh - evidence that outlives its signing certificate: RFC 3161
# timestamps from a real TSA (`openssl ts -reply` behind lib/fake_tsa.py)
# over a bundle's signature. A bundle signed with a certificate that
# expires seconds later verifies, once it has expired, with its
# timestamp (0) and says "expired" without one (4); stock tools agree
# (`openssl ts -verify`, `openssl cms -verify -attime`). A TSA that is
# down, lies or cannot be trusted leaves the bundle written and says
# "timestamp missing"; a token altered afterwards is an alteration.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
cd "$T"
# The bundles the expiry checks judge are made with the plain binary: the
# certificate must outlive their making by a few seconds only, which
# memcheck's slowness would not allow. Every verify is the build's own.
MAKER=${VG_FIPSEV:-$FIPSEV}

test_tsa tsa
start_fake tsa lib/fake_tsa.py --config tsa.cnf --log "$T/tsa.log"
URL=http://127.0.0.1:$PORT_tsa/
test_tsa rogue
start_fake rogue lib/fake_tsa.py --config rogue.cnf
for mode in fail garbage other; do
	start_fake "tsa-$mode" lib/fake_tsa.py --config tsa.cnf --mode "$mode"
done
db=$T/store.db
run 0 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --snapshot "$C/compliant" --db "$db"
"$FIPSEV" keygen --out keys > /dev/null

# --- a timestamp, asked for by report ------------------------------------------
run 0 "$FIPSEV" report --db "$db" --out b --key keys/signing.key --cert keys/signing.crt \
	--tsa-url "$URL" --tsa-ca tsa-ca.crt --tar
check "report: no warning" absent "timestamp missing" "$T/err"
check "report: the TSA was asked" grep -q "^POST /" "$T/tsa.log"
check "the token is outside the manifest" absent "MANIFEST.sha256.sig.tsr" b/MANIFEST.sha256
check "openssl ts -verify agrees" bash -c "openssl ts -verify -data b/MANIFEST.sha256.sig \
	-in b/MANIFEST.sha256.sig.tsr -CAfile tsa-ca.crt 2>&1 | grep -qx 'Verification: OK'"
run 0 "$FIPSEV" verify b --ca keys/signing.crt --tsa-ca tsa-ca.crt
check "verify: the timestamp named" grep -Eq "^timestamp: [0-9-]+ [0-9:]+ UTC by /CN=tsa test TSA \\(chain checked\\)$" "$T/out"
check "verify: judged at its time" grep -q "^signature: good, by .* (chain checked at the timestamp's time)$" "$T/out"
run 0 "$FIPSEV" verify b.tar.gz --ca keys/signing.crt --tsa-ca tsa-ca.crt
check "verify .tar.gz: the timestamp too" grep -q "^timestamp: .* (chain checked)$" "$T/out"
# Without --tsa-ca the token is not trusted; the certificate is still
# valid, so nothing more is lost.
run 0 "$FIPSEV" verify b --ca keys/signing.crt
check "no --tsa-ca: not trusted, said" grep -q "^timestamp: .* not trusted: the TSA is not checked: give --tsa-ca$" "$T/out"
run 0 "$FIPSEV" verify b --ca keys/signing.crt --tsa-ca rogue-ca.crt
check "another TSA CA: not trusted" grep -q "^timestamp: .* not trusted: the TSA does not chain to 'rogue-ca.crt'" "$T/out"

# --- a token altered, or swapped for another bundle's ------------------------
cp -r b flipped
# The token's time moved a second (its GeneralizedTime, DER tag 0x18).
python3 - flipped/MANIFEST.sha256.sig.tsr << 'PY2'
import re, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
m = re.search(rb"\x18[\x0f-\x13](20[0-9]{12})", b)
i = m.start(1) + 13
b[i] = ord("1") if b[i] == ord("0") else ord("0")
open(p, "wb").write(b)
PY2
run 1 "$FIPSEV" verify flipped --ca keys/signing.crt --tsa-ca tsa-ca.crt
check "token's time altered: an alteration" grep -q "^FAILED MANIFEST.sha256.sig.tsr: the token's signature does not verify" "$T/out"
cp -r b cut
head -c 100 b/MANIFEST.sha256.sig.tsr > cut/MANIFEST.sha256.sig.tsr
run 1 "$FIPSEV" verify cut --ca keys/signing.crt --tsa-ca tsa-ca.crt
check "token cut short: an alteration" grep -qx "FAILED MANIFEST.sha256.sig.tsr: not an RFC 3161 time-stamp reply" "$T/out"
run 0 "$FIPSEV" report --db "$db" --out b2 --key keys/signing.key --cert keys/signing.crt --tsa-url "$URL"
cp -r b swapped
cp b2/MANIFEST.sha256.sig.tsr swapped/
run 1 "$FIPSEV" verify swapped --ca keys/signing.crt --tsa-ca tsa-ca.crt
check "another bundle's token: an alteration" grep -qx "FAILED MANIFEST.sha256.sig.tsr: the token is not over this signature (its imprint differs)" "$T/out"

# --- a TSA that gives none: the bundle is still written --------------------------
missing() {	# missing NAME URL [--tsa-ca FILE] WANT_REASON
	local name=$1 url=$2 reason=${*: -1}
	set -- "${@:3:$#-3}"
	run 0 "$FIPSEV" report --db "$db" --out "$name" --key keys/signing.key \
		--cert keys/signing.crt --tsa-url "$url" "$@"
	check "$name: said" grep -q "^fipsev: timestamp missing: .*$reason" "$T/err"
	check "$name: no token written" [ ! -e "$name/MANIFEST.sha256.sig.tsr" ]
	run 0 "$FIPSEV" verify "$name" --ca keys/signing.crt
	check "$name: verified without it" grep -q "^timestamp: none: the signing time, .*, is the signer's own claim$" "$T/out"
}
missing down "http://127.0.0.1:$(free_port)/" "cannot be reached"
missing failing "http://127.0.0.1:$PORT_tsa_fail/" "answered HTTP 500"
missing junk "http://127.0.0.1:$PORT_tsa_garbage/" "answered with no time-stamp reply"
missing replay "http://127.0.0.1:$PORT_tsa_other/" "the token is not over this signature"
missing rogue "http://127.0.0.1:$PORT_rogue/" --tsa-ca tsa-ca.crt "does not chain to 'tsa-ca.crt'"
missing ftp "ftp://127.0.0.1:$PORT_tsa/" "cannot be reached"
# ... and 'fipsev timestamp' adds it later, once.
run 0 "$FIPSEV" timestamp down --tsa-url "$URL" --tsa-ca tsa-ca.crt
check "timestamp: written" [ -s down/MANIFEST.sha256.sig.tsr ]
run 0 "$FIPSEV" verify down --ca keys/signing.crt --tsa-ca tsa-ca.crt
check "timestamp added later: trusted" grep -q "^timestamp: .* (chain checked)$" "$T/out"
run 2 "$FIPSEV" timestamp down --tsa-url "$URL"
check "timestamp: never over one there" grep -q "already has a timestamp" "$T/err"
run 2 "$FIPSEV" timestamp failing --tsa-url "http://127.0.0.1:$PORT_tsa_fail/"
check "timestamp: a TSA that fails is an error" grep -q "^fipsev: timestamp missing: .*HTTP 500" "$T/err"

# --- the signer's certificate expires ----------------------------------------------
# Valid from yesterday until a few seconds from now: two bundles, with a
# token and without, then wait for the end.
ends=$(($(date +%s) + 8))
dated_self_signed short "fipsev short-lived signer" "$(date -u -d yesterday +%Y%m%d%H%M%SZ)" \
	"$(date -u -d "@$ends" +%Y%m%d%H%M%SZ)"
run 0 "$MAKER" report --db "$db" --out s-ts --key short.key --cert short.crt --tsa-url "$URL" --tsa-ca tsa-ca.crt
run 0 "$MAKER" report --db "$db" --out s-none --key short.key --cert short.crt
run 0 "$MAKER" report --db "$db" --out s-late --key short.key --cert short.crt
[ "$(date +%s)" -lt "$ends" ] || die "the bundles took longer than the certificate lives"
run 0 "$MAKER" timestamp s-late --tsa-url "$URL" --tsa-ca tsa-ca.crt
while [ "$(date +%s)" -le $((ends + 1)) ]; do sleep 0.5; done
check "openssl: the certificate has expired" bash -c "! openssl cms -verify -binary -inform PEM \
	-in s-none/MANIFEST.sha256.sig -content s-none/MANIFEST.sha256 -CAfile short.crt -out /dev/null 2> /dev/null"
run 0 "$FIPSEV" verify s-ts --ca short.crt --tsa-ca tsa-ca.crt
check "expired, with a timestamp: intact and trusted" grep -q "^bundle s-ts: intact" "$T/out"
check "expired, with a timestamp: judged then" grep -q "(chain checked at the timestamp's time)$" "$T/out"
run 0 "$FIPSEV" verify s-late --ca short.crt --tsa-ca tsa-ca.crt
check "expired, timestamped later while valid: trusted" grep -q "(chain checked at the timestamp's time)$" "$T/out"
run 4 "$FIPSEV" verify s-none --ca short.crt
check "expired, no timestamp: said" grep -q "^signature: good, by .*, whose certificate expired on .*, after its signing time, .*, which only the signer claims$" "$T/out"
check "expired, no timestamp: still intact" grep -q "^bundle s-none: intact" "$T/out"
check "expired, no timestamp: why on stderr" grep -q "has expired since it signed, and no trusted timestamp proves when that was" "$T/err"
run 4 "$FIPSEV" verify s-ts --ca short.crt
check "expired, the timestamp not trusted: 4" grep -q "^timestamp: .* not trusted" "$T/out"
# Stock tools judge at a time too: the CMS signing time for the one
# without, the token's for the one with.
at=$(openssl cms -cmsout -print -inform PEM -in s-none/MANIFEST.sha256.sig |
	sed -n 's/.*UTCTIME:\(.*\) GMT$/\1/p' | head -1)
check "openssl cms -verify -attime agrees" openssl cms -verify -binary -inform PEM \
	-in s-none/MANIFEST.sha256.sig -content s-none/MANIFEST.sha256 -CAfile short.crt \
	-attime "$(date -d "$at" +%s)" -out /dev/null 2> /dev/null
check "openssl ts -verify: the token" bash -c "openssl ts -verify -data s-ts/MANIFEST.sha256.sig \
	-in s-ts/MANIFEST.sha256.sig.tsr -CAfile tsa-ca.crt 2>&1 | grep -qx 'Verification: OK'"
# A token asked for after the certificate expired proves nothing earlier.
run 0 "$FIPSEV" timestamp s-none --tsa-url "$URL" --tsa-ca tsa-ca.crt
run 3 "$FIPSEV" verify s-none --ca short.crt --tsa-ca tsa-ca.crt
check "timestamped after expiry: not trusted" grep -q "who does not chain to the CA" "$T/out"
# report and run refuse the expired certificate outright.
run 2 "$FIPSEV" report --db "$db" --out s-after --key short.key --cert short.crt
check "report: expired refused" grep -q "certificate 'short.crt' expired on" "$T/err"

# --- the job: signing.tsa_url ------------------------------------------------------
job() {	# job NAME URL
	cat > "$1.yaml" << YAML
store: $T/$1/fipsev.db
cluster:
  snapshot: $C/compliant
signing:
  key: $T/keys/signing.key
  cert: $T/keys/signing.crt
  tsa_url: $2
  tsa_ca: $T/tsa-ca.crt
output: $T/$1/bundles
YAML
}
job jts "$URL"
run 0 "$FIPSEV" run --config jts.yaml
check "job: the bundle timestamped" [ -s jts/bundles/run-1/MANIFEST.sha256.sig.tsr ]
check "job: verified with it" grep -q "^timestamp: .* (chain checked)$" "$T/out"
job jdown "http://127.0.0.1:$(free_port)/"
run 0 "$FIPSEV" run --config jdown.yaml
check "job, TSA down: said in the log" grep -q "^run: warning: timestamp missing: the TSA .* cannot be reached" "$T/out"
check "job, TSA down: still verified" grep -q "^run: phase=verify result=ok$" "$T/out"
printf 'output: x\nsigning: {generate: true, tsa_ca: a.crt}\n' > badtsa.yaml
run 2 "$FIPSEV" run --config badtsa.yaml
check "job: tsa_ca without tsa_url refused" grep -q "'signing.tsa_ca' needs 'signing.tsa_url'" "$T/err"
finish
