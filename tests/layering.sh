#!/bin/bash
# layering.sh SRCDIR ROW... - every project #include stays inside its layer
# or goes to a layer the including layer may use.
#
# Each ROW is a line of FIPSEV_LAYERS (CMakeLists.txt): "LAYER FOLDER
# USES...". A file under FOLDER/ may include "FOLDER/..." and "U/..." for
# each U in USES (the folder of that layer); anything else is reported
# with the file, its line and the header, and the test fails. Besides:
# a layer uses only layers of earlier rows (so the table has no cycle), a
# project header is never included with <...> (which this check would not
# see), and an internal header (*_int.h) only from its own folder.
set -u
src=$1
shift
declare -A folder uses
layers=()
for row in "$@"; do
	read -r layer dir rest <<<"$row"
	for u in $rest; do
		[ -n "${folder[$u]:-}" ] || {
			echo "layering: layer '$layer' uses '$u', not a layer of an earlier row"
			exit 1
		}
	done
	layers+=("$layer")
	folder[$layer]=$dir
	uses[$layer]="$layer $rest"
done
tops=" ${folder[*]} "
[ ${#layers[@]} -gt 0 ] || { echo "layering: no layers given"; exit 2; }

bad=0 files=0 includes=0
for layer in "${layers[@]}"; do
	dir=${folder[$layer]}
	[ -d "$src/$dir" ] || { echo "layering: no folder '$dir'"; exit 2; }
	allowed=" "
	for u in ${uses[$layer]}; do
		allowed+="${folder[$u]:?layering: layer '$layer' uses unknown '$u'} "
	done
	while IFS= read -r -d '' f; do
		files=$((files + 1))
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			if [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^/\>]+)/ ]] &&
			    [[ $tops == *" ${BASH_REMATCH[1]} "* ]]; then
				echo "${f#$src/}:$n: a project header in <...>: $line"
				bad=$((bad + 1))
				continue
			fi
			[[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]] ||
				continue
			inc=${BASH_REMATCH[1]}
			if [[ $inc == *_int.h ]] && [ "$(dirname "$inc")" != "$(dirname "${f#$src/}")" ]; then
				echo "${f#$src/}:$n: \"$inc\" is internal to $(dirname "$inc")/"
				bad=$((bad + 1))
				continue
			fi
			includes=$((includes + 1))
			top=${inc%%/*}
			if [ "$top" = "$inc" ]; then
				# A bare name: generated (fipsev_version.h) or a
				# header beside the file; either stays in the layer.
				[ -e "$(dirname "$f")/$inc" ] ||
					[ "$inc" = fipsev_version.h ] && continue
				echo "${f#$src/}:$n: \"$inc\" is neither beside the file nor generated"
				bad=$((bad + 1))
				continue
			fi
			case "$allowed" in
			*" $top "*) ;;
			*)	echo "${f#$src/}:$n: layer '$layer' includes \"$inc\" (may use:${allowed% })"
				bad=$((bad + 1)) ;;
			esac
		done <"$f"
	done < <(find "$src/$dir" -name '*.[ch]' -print0)
done
# Every source folder is in a layer: a new one cannot slip past the check.
for d in "$src"/*/; do
	d=$(basename "$d")
	[ -n "$(find "$src/$d" -name '*.[ch]' -print -quit)" ] || continue
	case " ${folder[*]} tests fuzz bench build " in
	*" $d "*) ;;
	*)	case $d in build*) continue ;; esac
		echo "layering: folder '$d' holds C sources but is in no layer"
		bad=$((bad + 1)) ;;
	esac
done
[ "$files" -gt 0 ] && [ "$includes" -gt 0 ] ||
	{ echo "layering: read no files ($files) or includes ($includes)"; exit 2; }
echo "layering: $files files, $includes project includes, $bad outside their layer"
[ "$bad" -eq 0 ]
