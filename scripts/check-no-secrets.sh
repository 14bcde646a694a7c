#!/usr/bin/env bash
# Fails when a token, password or other secret value that a test used appears in any log or report the test
# suite left under a target/ directory: runner logs, build logs, surefire/failsafe reports, captured Maven output.
# The tests record each secret they use, one a line, in target/test-secrets.txt of their module.
#
#   scripts/check-no-secrets.sh [--require] [ROOT]
#     --require  also fail when no test recorded any secret (the check would prove nothing)
#     ROOT       where to look (default: the repository)
# A finding is printed with the file and the secret masked (its first 4 characters and its length), never whole.
set -euo pipefail
require=false
if [ "${1:-}" = "--require" ]; then require=true; shift; fi
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"

secrets="$(mktemp)"
trap 'rm -f "$secrets"' EXIT
find "$root" -path '*/target/test-secrets.txt' -type f -print0 | xargs -0 -r cat | awk 'length($0) >= 8' | sort -u > "$secrets"
count=$(wc -l < "$secrets")
if [ "$count" -eq 0 ]; then
  if $require; then echo "check-no-secrets: no test recorded a secret (target/test-secrets.txt); nothing was checked" >&2; exit 1; fi
  echo "check-no-secrets: no secrets recorded, nothing to check"
  exit 0
fi

files=0
found=0
while IFS= read -r -d '' file; do
  files=$((files + 1))
  while IFS= read -r secret; do
    echo "check-no-secrets: $file contains a secret a test used: ${secret:0:4}... (${#secret} characters)" >&2
    found=$((found + 1))
  done < <(grep -aoF -f "$secrets" "$file" | sort -u)
done < <(find "$root" -path '*/node_modules' -prune -o -path '*/target/*' -type f \
           \( -name '*.log' -o -name '*.txt' -o -name '*.xml' -o -name '*.out' -o -name '*.dumpstream' \) \
           ! -name 'test-secrets.txt' -print0)

if [ "$found" -gt 0 ]; then
  echo "check-no-secrets: FAILED: $found secret(s) found in the logs and reports above" >&2
  exit 1
fi
echo "check-no-secrets: $count secret(s) used by the tests, none in $files log and report file(s)"
