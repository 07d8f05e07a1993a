#!/usr/bin/env bash
# deploy.sh - the deployment files and configurations pass yamllint; the
# parsing checks of their settings are in tests/unit/test_values.c.
. "$(dirname "$0")/lib.sh"
command -v yamllint > /dev/null || die "yamllint is not installed (scripts/install-deps installs it)"
lint='{extends: relaxed, rules: {line-length: {max: 120}}}'
for f in "$SAMPLES"/k8s/*.yaml "$SAMPLES/fipsev.yaml" "$SAMPLES/demo/fipsev.yaml"; do
	check "yamllint $(basename "$f")" yamllint -s -d "$lint" "$f"
done
# The check can fail: a broken file is caught.
printf 'a: [1, 2\n' > "$T/broken.yaml"
check "yamllint catches a broken file" bash -c "! yamllint -d '$lint' '$T/broken.yaml' > /dev/null 2>&1"
finish
