# help.sh - every subcommand has --help, 'fipsev help CMD' agrees, and the
# README documents each one and the exit status contract.
. "$(dirname "$0")/lib.sh"

run 0 "$FIPSEV" --help
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' "$T/out")
check "commands are listed" [ -n "$cmds" ]
check "--help states the exit status" grep -q "^Exit status: 0 ran and all evidence compliant" "$T/out"
for c in $cmds; do
	run 0 "$FIPSEV" "$c" --help
	check "$c --help starts with its usage" grep -q "^usage: fipsev $c" "$T/out"
	check "$c --help states the exit status" grep -q "^Exit status:" "$T/out"
	cp "$T/out" "$T/a"
	run 0 "$FIPSEV" help "$c"
	check "help $c is $c --help" cmp -s "$T/a" "$T/out"
	run 0 "$FIPSEV" "$c" -h
	if [ -n "${README:-}" ] && [ -f "$README" ]; then
		check "README documents fipsev $c" grep -q "fipsev $c" "$README"
	fi
done
run 0 "$FIPSEV" --version
check "--version" grep -q "^fipsev [0-9]" "$T/out"
run 2 "$FIPSEV" help nosuch
finish
