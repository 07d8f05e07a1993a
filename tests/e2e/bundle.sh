#!/usr/bin/env bash
# bundle.sh - signed evidence bundles: written for runs of every sample
# cluster, accepted by fipsev verify, sha256sum -c and openssl cms -verify;
# every tampering caught; keys that are weak or readable by others
# refused; nothing half-written left behind.
. "$(dirname "$0")/lib.sh"
C=$SAMPLES/cluster
cd "$T"

run 0 "$FIPSEV" keygen --out keys
check "keygen: key mode 0600" [ "$(stat -c %a keys/signing.key)" = 600 ]
check "keygen: ECDSA P-384" openssl pkey -in keys/signing.key -noout -text 2> /dev/null | grep -q "NIST CURVE: P-384"
check "keygen: no extended key usage" bash -c "! openssl x509 -in keys/signing.crt -noout -ext extendedKeyUsage 2> /dev/null | grep -q Usage"
run 2 "$FIPSEV" keygen --out keys
check "keygen: never overwrites" grep -q "'keys/signing.key' exists: a key is never overwritten" "$T/err"

# stock_ok DIR: the bundle passes sha256sum -c and openssl cms -verify.
stock_ok() {
	(cd "$1" && sha256sum --quiet -c MANIFEST.sha256) &&
		openssl cms -verify -binary -inform PEM -in "$1/MANIFEST.sha256.sig" \
			-content "$1/MANIFEST.sha256" -CAfile keys/signing.crt -out /dev/null 2> /dev/null
}

db=$T/store.db
for f in compliant nonfips-node upgraded smp030 pruned hostile ff-enabled; do
	set +e
	"$FIPSEV" collect --snapshot "$C/$f" --db "$db" > /dev/null 2>&1
	set -e
	run 0 "$FIPSEV" report latest --db "$db" --out "b-$f" --key keys/signing.key --cert keys/signing.crt
	run 0 "$FIPSEV" verify "b-$f" --ca keys/signing.crt
	check "$f: intact" grep -q "^bundle b-$f: intact" "$T/out"
	check "$f: stock tools agree" stock_ok "b-$f"
	check "$f: evidence as stored" [ "$(ls "b-$f/evidence" | wc -l)" = \
		"$(sql "$db" "SELECT count(*) FROM evidence WHERE run_id = (SELECT max(id) FROM runs)")" ]
done
# Secrets planted in the fixtures' values reach no file of any bundle.
no_traps_in b-*
checks=$((checks + 1))
B=b-compliant
check "run.json names the run" [ "$(jq -r .verdict "$B/run.json")" = compliant ]
XSD=$SAMPLES/../templates/evidence.xsd
for f in compliant nonfips-node upgraded smp030 pruned hostile ff-enabled; do
	check "$f: evidence.xml valid" xmllint --noout --schema "$XSD" "b-$f/evidence.xml"
done
check "compliant: verdict in the XML" [ "$(xmllint --xpath 'string(//*[local-name()="summary"]/@verdict)' "$B/evidence.xml")" = compliant ]
check "upgraded: the failing check" [ "$(xmllint --xpath 'string(//*[local-name()="finding"][@check="FIPS-FIRST-INSTALL"]/@result)' b-upgraded/evidence.xml)" = fail ]
check "nonfips: missing evidence for the node without a report" [ "$(xmllint --xpath 'count(//*[local-name()="finding"][@check="FIPS-NODE-KERNEL"][@result="missing-evidence"])' b-nonfips-node/evidence.xml)" = 1 ]
check "pruned: cannot tell is not a pass" [ "$(xmllint --xpath 'string(//*[local-name()="finding"][@check="FIPS-FIRST-INSTALL"]/@result)' b-pruned/evidence.xml)" = missing-evidence ]
check "ff: unsupported module fails" [ "$(xmllint --xpath 'count(//*[local-name()="finding"][@check="FIPS-MODULES"][@result="fail"])' b-ff-enabled/evidence.xml)" -ge 1 ]

# OSCAL assessment results, against NIST's own schema (from ../shared:
# skipped where it is absent).
OSCAL_XSD=${SHARED:-$SAMPLES/../../shared}/oscal/oscal_assessment-results_schema.xsd
if [ -r "$OSCAL_XSD" ]; then
	for f in compliant nonfips-node upgraded smp030 pruned hostile ff-enabled; do
		check "$f: OSCAL valid" xmllint --noout --schema "$OSCAL_XSD" "b-$f/oscal-assessment-results.xml"
	done
else
	skip_part "$OSCAL_XSD not here: the OSCAL schema checks"
fi
oscal_count() {
	xmllint --xpath "count(//*[local-name()='finding']/*[local-name()='target']/*[local-name()='status'][@state='$2'])" \
		"$1/oscal-assessment-results.xml"
}
check "OSCAL: compliant run all satisfied" [ "$(oscal_count "$B" not-satisfied)" = 0 ]
check "OSCAL: upgraded run not satisfied" [ "$(oscal_count b-upgraded not-satisfied)" -ge 1 ]
check "OSCAL: every file hashed in back-matter" [ "$(xmllint --xpath "count(//*[local-name()='hash'][@algorithm='SHA-256'])" "$B/oscal-assessment-results.xml")" = \
	"$(ls "$B/evidence" | wc -l | awk '{print $1 + 1}')" ]
check "OSCAL: digests match the files" [ "$(xmllint --xpath "string(//*[local-name()='rlink'][@href='run.json']/*[local-name()='hash'])" "$B/oscal-assessment-results.xml")" = \
	"$(sha256sum < "$B/run.json" | cut -d' ' -f1)" ]

# --- the report in a real browser ----------------------------------------------
# browse FILE: render with headless Chromium; the DOM in $T/dom.html and a
# screenshot in $T/shot.png.
browse() {
	rm -rf "$T/profile" "$T/net.json"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/profile" --window-size=1280,900 \
		--log-net-log="$T/net.json" \
		--screenshot="$T/shot.png" "file://$PWD/$1" > /dev/null 2>&1
	rm -rf "$T/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$T/profile" --dump-dom "file://$PWD/$1" \
		> "$T/dom.html" 2> /dev/null
}
# page_requests: the URLs Chromium fetched other than its own services
# (update checks, accounts, dictionaries), from its network log.
page_requests() {
	grep -o '"url":"[^"]*"' "$T/net.json" | grep -v '"url":"file:' |
		grep -vE '"url":"https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)/' || true
}
# The check can fail: a page with one external image is caught.
printf '<html><body><img src="http://127.0.0.1:9/x.png"></body></html>' > leaky.html
browse leaky.html
check "chromium: a leaky page is caught" grep -q '127.0.0.1:9/x.png' <(page_requests)
browse "$B/report.html"
check "chromium: screenshot" [ "$(stat -c %s "$T/shot.png")" -gt 20000 ]
check "chromium: the report made no request" [ -z "$(page_requests)" ]
check "chromium: verdict rendered first" grep -q 'id="verdict">COMPLIANT<' "$T/dom.html"
browse b-upgraded/report.html
check "chromium: NOT COMPLIANT and why" grep -q 'id="verdict">NOT COMPLIANT<' "$T/dom.html"
check "chromium: the reason on the page" grep -q "revision 1 ran without global.fips: true" "$T/dom.html"
# Nothing on the page can load anything: no scripts, no URLs, and a CSP
# that forbids every fetch.
for page in b-*/report.html; do
	check "$page: no script or external reference" bash -c "! grep -Eqi '<script|src=|<link|url\\(|@import|href=\"[a-z]+:' '$page'"
	check "$page: CSP forbids fetches" grep -q "default-src 'none'" "$page"
done

# --- hostile strings from the cluster: escaped, XML still valid ----------------
cp -r "$C/compliant" evil
long=$(head -c 10000 /dev/zero | tr '\0' 'A')
jq --arg n "<script>alert(1)</script>\"'&]]>$(printf '\001\007')$long" \
	'(.items[] | select(.metadata.name == "manifest-delegate") | .metadata.name) = $n |
	 (.items[] | select(.kind == "Deployment" and (.spec.template.spec.containers[0].image | test("delegate"))) |
	  .spec.template.spec.containers[0].env) = [{"name": "FIPS_ENABLED", "value": "false"}]' \
	"$C/compliant/workloads.json" > evil/workloads.json
printf '\xff\xfe bad utf-8 \xc3' > evil/bad-bytes
set +e
"$FIPSEV" collect --snapshot evil --db "$T/evil.db" > /dev/null 2>&1
set -e
run 0 "$FIPSEV" report latest --db "$T/evil.db" --out b-evil --key keys/signing.key --cert keys/signing.crt
check "hostile: XML valid" xmllint --noout --schema "$XSD" b-evil/evidence.xml
check "hostile: escaped in the XML" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' b-evil/evidence.xml
check "hostile: no raw script in the page" bash -c "! grep -q '<script>alert' b-evil/report.html"
check "hostile: escaped in the page" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' b-evil/report.html
check "hostile: control characters replaced" bash -c "! grep -q \"\$(printf '\\001')\" b-evil/evidence.xml b-evil/report.html"
browse b-evil/report.html
check "hostile: the browser shows it as text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$T/dom.html"
check "hostile: no script element" bash -c "! grep -q '<script' '$T/dom.html'"
run 0 "$FIPSEV" verify b-evil --ca keys/signing.crt
check "no temporary directories left" [ "$(ls -d ./*.tmp-* 2> /dev/null | wc -l)" = 0 ]

# --- tampering: every change is caught --------------------------------------
# fresh: a new copy of the bundle in $T/t, to tamper with.
fresh() {
	rm -rf t
	cp -r "$B" t
}
for file in $(cd "$B" && find . -type f | sed 's|^\./||'); do
	fresh
	# Flip one byte in the middle of the file.
	size=$(stat -c %s "t/$file")
	off=$((size / 2))
	byte=$(dd if="t/$file" bs=1 skip="$off" count=1 2> /dev/null | od -An -tu1 | tr -d ' ')
	printf "$(printf '\\%03o' $(((byte + 1) % 256)))" |
		dd of="t/$file" bs=1 seek="$off" conv=notrunc 2> /dev/null
	case $file in
	MANIFEST.sha256.sig)
		# A byte of the signer's certificate inside the signature may
		# leave the signature over the manifest sound: then it is the
		# signer that is not trusted (3). Never 0.
		set +e
		"$FIPSEV" verify t --ca keys/signing.crt > "$T/out" 2> "$T/err"
		st=$?
		set -e
		check "one byte of $file: caught ($st)" [ "$st" = 1 -o "$st" = 3 ] ;;
	MANIFEST.sha256)
		run 1 "$FIPSEV" verify t --ca keys/signing.crt
		check "one byte of $file: caught" grep -q "^bundle t: NOT intact" "$T/out" ;;
	*)
		run 1 "$FIPSEV" verify t --ca keys/signing.crt
		check "one byte of $file: named" grep -qxF "FAILED $file: changed (digest differs)" "$T/out" ;;
	esac
	check "one byte of $file: stock tools object" bash -c "! (cd t && sha256sum --quiet -c MANIFEST.sha256 > /dev/null 2>&1 && openssl cms -verify -binary -inform PEM -in MANIFEST.sha256.sig -content MANIFEST.sha256 -CAfile ../keys/signing.crt -out /dev/null > /dev/null 2>&1)"
done
# A removed, an added file or directory, a missing signature, another
# signer, no --ca: CLI cases (tests/cli/cases/verify-*).

# Another key: its signature is sound, but not the operator's.
run 0 "$FIPSEV" keygen --out other
fresh
openssl cms -sign -binary -outform PEM -in t/MANIFEST.sha256 -signer other/signing.crt \
	-inkey other/signing.key -md sha384 -out t/MANIFEST.sha256.sig 2> /dev/null
run 3 "$FIPSEV" verify t --ca keys/signing.crt
check "replaced signature: intact, not trusted" grep -q "^signature: good, by .*, who does not chain to the CA" "$T/out"
check "replaced signature: said on stderr" grep -qx "fipsev: verify: the bundle is intact, but its signer does not chain to 'keys/signing.crt'" "$T/err"
check "replaced signature: openssl agrees" bash -c "! openssl cms -verify -binary -inform PEM -in t/MANIFEST.sha256.sig -content t/MANIFEST.sha256 -CAfile keys/signing.crt -out /dev/null > /dev/null 2>&1"

# --- --tar: the same bundle, packed -----------------------------------------------
run 0 "$FIPSEV" report latest --db "$db" --out b-tar --tar --key keys/signing.key --cert keys/signing.crt
check "tar: written beside" [ -s b-tar.tar.gz ]
mkdir unpacked
tar -xzf b-tar.tar.gz -C unpacked
run 0 "$FIPSEV" verify unpacked/b-tar --ca keys/signing.crt
check "tar: unpacked bundle intact" stock_ok unpacked/b-tar
check "tar: same files" diff -r b-tar unpacked/b-tar
# verify reads the .tar.gz itself, never unpacked to disk.
run 0 "$FIPSEV" verify b-tar.tar.gz --ca keys/signing.crt
check "tar.gz: intact" grep -qx "bundle b-tar.tar.gz: intact ([0-9]* files in the manifest)" "$T/out"
check "tar.gz: signature checked" grep -q "^signature: good, by .* (chain checked)$" "$T/out"
# retar NAME PYTHON: b-tar.tar.gz rewritten as NAME.tar.gz, PYTHON run on
# each member m (its bytes in data; set keep = False to drop it) and
# then on the new archive t (add members there).
retar() {
	python3 - "$1" "$2" << 'PY2'
import io, sys, tarfile
name, code = sys.argv[1], sys.argv[2]
src = tarfile.open("b-tar.tar.gz")
with tarfile.open(name + ".tar.gz", "w:gz") as t:
    def add(path, data=b"", kind=tarfile.REGTYPE, link=""):
        ti = tarfile.TarInfo(path)
        ti.type, ti.linkname, ti.size = kind, link, len(data)
        t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    for m in src.getmembers():
        data = src.extractfile(m).read() if m.isfile() else b""
        keep, last = True, False
        exec(code)
        if keep and not last:
            m.size = len(data)
            t.addfile(m, io.BytesIO(data) if m.isfile() else None)
    m = None
    exec(code)
PY2
}
# tar_refused NAME WANT LINE: NAME.tar.gz does not verify (exit WANT),
# and says LINE.
tar_refused() {
	run "$2" "$FIPSEV" verify "$1.tar.gz" --ca keys/signing.crt
	check "tar.gz $1: said" grep -qxF -- "$3" "$T/out"
}
retar flip 'if m is not None and m.name == "b-tar/run.json": data = data[:10] + b"X" + data[11:]'
tar_refused flip 1 "FAILED run.json: changed (digest differs)"
retar added 'if m is None: add("b-tar/evidence/extra.json", b"{}")'
tar_refused added 1 "FAILED evidence/extra.json: not in the manifest"
retar twice 'if m is None: add("b-tar/run.json", b"{\"forged\": true}")'
tar_refused twice 1 "FAILED run.json: in the archive more than once"
retar outside 'if m is None: add("elsewhere/run.json", b"{}")'
tar_refused outside 1 "FAILED elsewhere/run.json: outside the bundle's directory"
retar link 'if m is not None and m.name == "b-tar/report.html": keep = False
if m is None: add("b-tar/report.html", kind=tarfile.SYMTYPE, link="/etc/passwd")'
tar_refused link 1 "FAILED report.html: not a regular file"
retar nodir 'if m is None: add("b-tar/approved", kind=tarfile.DIRTYPE)'
tar_refused nodir 1 "FAILED approved: a directory not in the manifest"
retar gone 'if m is not None and m.name == "b-tar/MANIFEST.sha256.sig": keep = False'
tar_refused gone 1 "FAILED MANIFEST.sha256.sig: missing"
head -c "$(($(stat -c %s b-tar.tar.gz) / 2))" b-tar.tar.gz > cut.tar.gz
run 1 "$FIPSEV" verify cut.tar.gz --ca keys/signing.crt
check "tar.gz cut short: NOT intact" grep -q "^bundle cut.tar.gz: NOT intact" "$T/out"
printf 'not an archive\n' > junk.tar.gz
run 2 "$FIPSEV" verify junk.tar.gz --ca keys/signing.crt
check "not an archive: one line" [ "$(wc -l < "$T/err")" = 1 ]
check "not an archive: named" grep -q "^fipsev: cannot read bundle 'junk.tar.gz': " "$T/err"
check "tar.gz: nothing extracted" bash -c "[ ! -e b-tar/b-tar ] && [ ! -e elsewhere ]"

# --- keys fipsev will not sign with ---------------------------------------------
chmod 644 keys/signing.key
run 2 "$FIPSEV" report latest --db "$db" --out b-x --key keys/signing.key --cert keys/signing.crt
check "readable key refused" grep -q "is readable or writable by .*others (mode 0644): chmod 600 it" "$T/err"
chmod 600 keys/signing.key
# A certificate not valid now: a bundle signed with it would not verify.
dated_self_signed expired "fipsev signing" 20200101000000Z 20210101000000Z
run 2 "$FIPSEV" report latest --db "$db" --out b-x --key expired.key --cert expired.crt
check "expired certificate refused" grep -qx "fipsev: certificate 'expired.crt' expired on 2021-01-01 00:00 UTC: renew it (a bundle signed now would not verify)" "$T/err"
dated_self_signed future "fipsev signing" 20400101000000Z 20410101000000Z
run 2 "$FIPSEV" report latest --db "$db" --out b-x --key future.key --cert future.crt
check "future certificate refused" grep -q "^fipsev: certificate 'future.crt' is not valid yet (from 2040-01-01 00:00 UTC)" "$T/err"
check "refused: no bundle" [ ! -e b-x ]
self_signed rsa2048 weak
chmod 600 rsa2048.key
run 2 "$FIPSEV" report latest --db "$db" --out b-x --key rsa2048.key --cert rsa2048.crt
check "RSA 2048 refused" grep -q "RSA of 2048 bits; fipsev signs with RSA of 3072 bits or more" "$T/err"
self_signed rsa3072 ok rsa:3072
chmod 600 rsa3072.key
run 0 "$FIPSEV" report latest --db "$db" --out b-rsa --key rsa3072.key --cert rsa3072.crt
check "RSA 3072 accepted" openssl cms -verify -binary -inform PEM -in b-rsa/MANIFEST.sha256.sig \
	-content b-rsa/MANIFEST.sha256 -CAfile rsa3072.crt -out /dev/null 2> /dev/null
run 2 "$FIPSEV" report latest --db "$db" --out b-x --key keys/signing.key --cert rsa3072.crt
check "mismatched certificate refused" grep -q "is not for key" "$T/err"
check "failed reports leave nothing" [ "$(ls -d b-x* 2> /dev/null | wc -l)" = 0 ]
run 2 "$FIPSEV" report latest --db "$db" --out "$B" --key keys/signing.key --cert keys/signing.crt
check "existing bundle never overwritten" grep -q "exists: a bundle is always written new" "$T/err"
run 2 "$FIPSEV" report 999 --db "$db" --out b-x --key keys/signing.key --cert keys/signing.crt
check "no such run" grep -q "the store has no run 999" "$T/err"

finish
