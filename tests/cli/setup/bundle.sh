# bundle.sh - a bundle b of a compliant run of a node and the sample
# cluster, signed with a demo key (keys/), and a second key (other/) that
# did not sign it.
"$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" \
	--snapshot "$SAMPLES/cluster/compliant" --db store.db > /dev/null
"$FIPSEV" keygen --out keys > /dev/null
"$FIPSEV" keygen --out other > /dev/null
"$FIPSEV" report 1 --db store.db --out b --key keys/signing.key \
	--cert keys/signing.crt > /dev/null
