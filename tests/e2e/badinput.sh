# badinput.sh - hostile host roots and stores: a report all the same,
# bounded reads, no hang, no crash, and nothing stored is lost.
. "$(dirname "$0")/lib.sh"

# mkroot NAME: a copy of a sane root to spoil.
mkroot() {
	cp -a "$SAMPLES/nodes/al2-fips" "$T/$1"
	echo "$T/$1"
}

# node_json ROOT: fipsev node --json, with a time limit; the JSON must parse.
node_json() {
	local st=0
	timeout 30 "$FIPSEV" node --root "$1" --json > "$T/node.json" 2> "$T/err" || st=$?
	[ "$st" != 124 ] || die "fipsev node hung on $1"
	[ "$st" = 0 ] || [ "$st" = 1 ] || die "fipsev node failed ($st) on $1: $(cat "$T/err")"
	jq -e . "$T/node.json" > /dev/null || die "invalid JSON for $1"
	checks=$((checks + 1))
}

src() {
	jq -r --arg p "$1" ".node.sources[] | select(.path == \$p) | $2" "$T/node.json"
}

# A 10 MB /proc/cmdline: read and hashed whole, parsed in part, noted.
r=$(mkroot bigcmdline)
{ printf 'fips=1 '; head -c 10485753 /dev/zero | tr '\0' 'a'; } > "$r/proc/cmdline"
node_json "$r"
check "10 MB cmdline: size" [ "$(src /proc/cmdline .size)" = 10485760 ]
check "10 MB cmdline: truncated" [ "$(src /proc/cmdline .truncated)" = true ]
check "10 MB cmdline: digest of the whole file" \
	[ "$(src /proc/cmdline .sha256)" = "$(sha256sum < "$r/proc/cmdline" | cut -d' ' -f1)" ]
check "10 MB cmdline: fips=1 still read" [ "$(jq .node.kernel_cmdline_fips "$T/node.json")" = true ]
check "10 MB cmdline: noted" grep -q "only the first 65536 were parsed" "$T/node.json"

# A FIFO where fips_enabled should be: no hang, null, the reason recorded.
r=$(mkroot fifo)
rm "$r/proc/sys/crypto/fips_enabled"
mkfifo "$r/proc/sys/crypto/fips_enabled"
node_json "$r"
check "fifo: fips_enabled null" [ "$(jq .node.fips_enabled "$T/node.json")" = null ]
check "fifo: reason" [ "$(src /proc/sys/crypto/fips_enabled .error)" = "not a regular file (fifo)" ]
check "fifo: not compliant" [ "$(jq .node.compliant "$T/node.json")" = false ]

# A directory where fips_enabled should be.
r=$(mkroot dir)
rm "$r/proc/sys/crypto/fips_enabled"
mkdir "$r/proc/sys/crypto/fips_enabled"
node_json "$r"
check "directory: reason" [ "$(src /proc/sys/crypto/fips_enabled .error)" = "not a regular file (directory)" ]

# Symlinks that try to leave the root, or loop.
r=$(mkroot links)
rm "$r/etc/os-release" "$r/proc/sys/kernel/hostname"
ln -s /proc/self/environ "$r/etc/os-release"
ln -s ../../../../../../../../etc/hostname "$r/proc/sys/kernel/hostname"
ln -s loop "$r/etc/machine-id.tmp" && mv "$r/etc/machine-id.tmp" "$r/etc/machine-id"
rm -f "$r/etc/loop"; ln -s machine-id "$r/etc/loop"
node_json "$r"
check "escaping symlink not followed out" [ "$(src /etc/os-release .error)" = "No such file or directory" ]
check "climbing symlink stays inside" [ "$(src /proc/sys/kernel/hostname .error)" = "No such file or directory" ]
check "symlink loop reported" [ "$(src /etc/machine-id .error)" = "Too many levels of symbolic links" ]
check "nothing of this machine leaked" absent "$(hostname)" <(jq .node.hostname "$T/node.json")

# Bytes that are not UTF-8: valid JSON, and the exact bytes in base64.
r=$(mkroot binary)
printf 'ID=\xff\xfe\x00amzn\nVERSION_ID="2"\n\xc3\x28\n' > "$r/etc/os-release"
node_json "$r"
src /etc/os-release .value_base64 | base64 -d > "$T/decoded"
check "non-UTF-8 kept exactly in value_base64" cmp -s "$T/decoded" "$r/etc/os-release"
check "value is valid UTF-8 with U+FFFD" grep -q $'\xef\xbf\xbd' <(src /etc/os-release .value)

# A 5 MB os-release with no newline; an empty root.
r=$(mkroot hugeline)
head -c 5000000 /dev/urandom > "$r/etc/os-release"
node_json "$r"
check "huge os-release: truncated" [ "$(src /etc/os-release .truncated)" = true ]
mkdir "$T/empty"
node_json "$T/empty"
check "empty root: every required file noted" [ "$(jq '.node.notes | length' "$T/node.json")" -ge 4 ]
check "empty root: not compliant" [ "$(jq .node.compliant "$T/node.json")" = false ]

# Stores: a newer schema and a non-SQLite file are refused, unchanged.
db=$T/store.db
run 0 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$db"
sql "$db" 'PRAGMA user_version = 99'
sum=$(sha256sum < "$db")
run 2 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$db"
check "newer schema: one line naming it" [ "$(cat "$T/err")" = \
	"fipsev: store '$db' has schema version 99, newer than this fipsev's 6: use a newer fipsev" ]
check "newer schema: store unchanged" [ "$(sha256sum < "$db")" = "$sum" ]
printf 'not sqlite\n' > "$T/junk.db"
run 2 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$T/junk.db"
check "junk store: one line" [ "$(wc -l < "$T/err")" = 1 ]
check "junk store: unchanged" [ "$(cat "$T/junk.db")" = "not sqlite" ]
run 2 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$T"
check "directory as store: one line" [ "$(wc -l < "$T/err")" = 1 ]

# A store on a full disk: the run fails with one line, earlier runs stay.
if [ "$(id -u)" = 0 ] && mkdir "$T/small" && mount -t tmpfs -o size=200k tmpfs "$T/small" 2>/dev/null; then
	db=$T/small/store.db
	run 0 "$FIPSEV" collect --node --root "$SAMPLES/nodes/al2-fips" --db "$db"
	before=$(runs_fingerprint "$db")
	head -c 300k /dev/zero > "$T/small/filler" 2>/dev/null || true
	run 2 "$FIPSEV" collect --node --root "$SAMPLES/nodes/bottlerocket-fips" --db "$db"
	check "disk full: one line" [ "$(wc -l < "$T/err")" = 1 ]
	rm -f "$T/small/filler"
	store_sound "$db"
	check "disk full: earlier runs intact" [ "$(runs_fingerprint "$db")" = "$before" ]
	umount "$T/small"
else
	echo "badinput.sh: skipped the disk-full case (needs root to mount a tmpfs)"
fi
finish
