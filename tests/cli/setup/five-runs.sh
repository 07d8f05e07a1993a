# five-runs.sh - a store (store.db) of five runs of the sample clusters:
# compliant, upgraded (0.31.3 -> 0.31.0), a new non-FIPS node, Feature
# Flags on, compliant again. Runs 2-4 are non-compliant, so collect's exit
# status 1 is expected there.
for f in compliant upgraded nonfips-node ff-enabled compliant; do
	st=0
	"$FIPSEV" collect --snapshot "$SAMPLES/cluster/$f" --db store.db > /dev/null || st=$?
	[ "$st" -le 1 ] || exit "$st"
done
