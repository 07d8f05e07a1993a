# openssl.sh - what fipsev reports of its own OpenSSL agrees with the
# openssl command of the same installation.
. "$(dirname "$0")/lib.sh"

"$FIPSEV" node --root "$SAMPLES/nodes/al2-fips" --json > "$T/n.json"
o() { jq -r ".node.openssl.$1" "$T/n.json"; }

lib=$(openssl version | sed -n 's/.*(Library: \(.*\))$/\1/p')
[ -n "$lib" ] || lib=$(openssl version)
check "version is the library's" [ "$(o version)" = "$lib" ]
check "config_dir" [ "$(o config_dir)" = "$(openssl version -d | sed 's/^OPENSSLDIR: "\(.*\)"$/\1/')" ]
check "modules_dir" [ "$(o modules_dir)" = "$(openssl version -m | sed 's/^MODULESDIR: "\(.*\)"$/\1/')" ]
if openssl list -providers -provider fips > /dev/null 2>&1; then want=true; else want=false; fi
check "fips_provider_available matches openssl list" [ "$(o fips_provider_available)" = "$want" ]
check "fips_default_enabled is a boolean" grep -Eqx 'true|false' <<< "$(o fips_default_enabled)"
check "the host's FIPS flag is separate" [ "$(jq .node.fips_enabled "$T/n.json")" = true ]
finish
