#!/usr/bin/env bash
# Shows that scripts/check-no-secrets.sh fails when a log holds a recorded secret, and passes when none does.
set -euo pipefail
check="$(cd "$(dirname "$0")" && pwd)/check-no-secrets.sh"
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
planted="slw_planted-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$tree/mod/target/surefire-reports" "$tree/mod/target/it-runners"
echo "$planted" > "$tree/mod/target/test-secrets.txt"
echo "runner started, nothing secret here" > "$tree/mod/target/it-runners/data.log"

bash "$check" --require "$tree" > /dev/null
echo "deploying with Authorization: Bearer $planted" > "$tree/mod/target/surefire-reports/SomeIT-output.txt"
if out="$(bash "$check" --require "$tree" 2>&1)"; then
  echo "check-no-secrets self-test: FAILED: a planted secret was not caught" >&2; exit 1
fi
if grep -qF "$planted" <<<"$out"; then
  echo "check-no-secrets self-test: FAILED: the report printed the secret itself" >&2; exit 1
fi
rm "$tree/mod/target/test-secrets.txt"
if bash "$check" --require "$tree" > /dev/null 2>&1; then
  echo "check-no-secrets self-test: FAILED: --require passed with no secret recorded" >&2; exit 1
fi
echo "check-no-secrets self-test: a planted secret is caught (masked), a clean tree passes"
