#!/usr/bin/env bash
# Runs IT classes one at a time, each under the shared IT lock, with `stress-ng --cpu N` beside it: the suite
# must pass on a busy machine. Prints the load average before and after each class and its result.
#   bash scripts/it-under-stress.sh CanaryIT BlueGreenIT RollingUpdateIT RollbackIT
# Environment: HOG_CPUS (2), HOG_SECONDS (900, stress-ng's own bound), MAVEN_ARGS (e.g. -Dmaven.repo.local=...).
# Builds cluster-runner/server with its reactor dependencies installed beforehand (mvn ... install -DskipTests).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
HOG_CPUS=${HOG_CPUS:-2}
HOG_SECONDS=${HOG_SECONDS:-900}
command -v stress-ng >/dev/null || { echo "stress-ng is missing: apt-get install stress-ng" >&2; exit 1; }
[ $# -gt 0 ] || { echo "usage: $0 ITClass..." >&2; exit 2; }

status=0
for it in "$@"; do
  log=$(mktemp "/tmp/it-under-stress-$it.XXXXXX.log")
  # The lock is held for one class only; stress-ng starts once the lock is ours and ends with the class.
  if flock /tmp/slipway-it.lock bash -c '
      set -u
      stress-ng --cpu "$1" --timeout "$2s" --quiet & hog=$!
      trap "kill $hog 2>/dev/null; wait $hog 2>/dev/null" EXIT
      echo "load average before $3: $(cut -d" " -f1-3 /proc/loadavg)"
      start=$(date +%s)
      mvn -B -ntp ${MAVEN_ARGS:-} -f "$4/cluster-runner/pom.xml" -pl server verify -Dit.test="$3" -Dtest=none \
        -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false > "$5" 2>&1
      rc=$?
      echo "load average after $3: $(cut -d" " -f1-3 /proc/loadavg); $(( $(date +%s) - start )) s"
      exit $rc' _ "$HOG_CPUS" "$HOG_SECONDS" "$it" "$REPO" "$log"; then
    echo "$it: PASSED under stress-ng --cpu $HOG_CPUS ($(grep -E '^\[(INFO|ERROR)\] Tests run:' "$log" | tail -1))"
  else
    echo "$it: FAILED under stress-ng --cpu $HOG_CPUS, log $log"
    grep -E "Tests run:|FAILURE|ERROR\]" "$log" | head -20
    status=1
  fi
done
exit $status
