#!/usr/bin/env bash
# registry.sh - the TLS tables in data/tls are exactly what data/tls/generate
# derives from IANA's registries. Needs ../shared/iana (the registry copies);
# skipped where it is absent.
. "$(dirname "$0")/lib.sh"
DATA=$(cd "$SAMPLES/../data/tls" && pwd)
IANA=${SHARED:-$SAMPLES/../../shared}/iana

if [ ! -r "$IANA/tls-parameters-4.csv" ]; then
	skip_all "$IANA not here"
fi
command -v python3 > /dev/null || die "python3 is not installed"
python3 "$DATA/generate" "$IANA" "$T"
for f in cipher-suites.tsv groups.tsv sigalgs.tsv; do
	check "$f matches the registry" diff -u "$DATA/$f" "$T/$f"
done
# Every suite row has its six fields, and every code point is unique.
check "suite rows complete" [ "$(grep -v '^#' "$DATA/cipher-suites.tsv" | awk -F'\t' 'NF != 6' | wc -l)" = 0 ]
check "suite ids unique" [ "$(grep -v '^#' "$DATA/cipher-suites.tsv" | cut -f1 | sort | uniq -d | wc -l)" = 0 ]
finish
