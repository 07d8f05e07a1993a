# help.sh - every subcommand has --help, 'fipsev help CMD' agrees, and the
# README and the man page (doc/fipsev.1, checked with mandoc -Tlint)
# document each one and the exit status contract.
. "$(dirname "$0")/lib.sh"
MAN=$TESTS/../doc/fipsev.1

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
	check "the man page documents $c" grep -Eq "^\.(It|Nm) .*Cm $c( |$)|^\.Cm $c( |$)|Cm [a-z |]*$c" "$MAN"
done
if command -v mandoc > /dev/null; then
	check "mandoc -Tlint: the man page is clean" mandoc -Tlint -W warning "$MAN"
	printf '.Dd x\n.Dt X 1\n.Sh NAME\n.Nm\n' > "$T/bad.1"
	check "mandoc -Tlint catches a broken page" bash -c "! mandoc -Tlint -W warning '$T/bad.1' > /dev/null 2>&1"
	check "the man page renders its exit status" bash -c "mandoc -Tascii -O width=200 '$MAN' | sed 's/.\x08//g' | grep -q 'intact, but the signer.s certificate expired since it signed'"
else
	skip_part "mandoc (scripts/install-deps installs it) to lint the man page"
fi
run 0 "$FIPSEV" --version
check "--version" grep -q "^fipsev [0-9]" "$T/out"
run 2 "$FIPSEV" help nosuch
finish
