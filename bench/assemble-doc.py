#!/usr/bin/env python3
"""Writes docs/benchmarks.md: the summary below, then each bench/<area>/RESULTS.md as its own section.

Run from the repository root after a benchmark script has updated its RESULTS.md:
    python3 bench/assemble-doc.py
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
AREAS = [
    ("build-push", "Build and push: the steps against the docker CLI (issue 2)"),
    ("runner", "Runner: 10 replicas against the docker CLI, memory (issue 3)"),
    ("router", "Router: throughput and added latency against nginx, weight changes (issues 3 and 4)"),
    ("gray", "Gray releases: from promote to the new weight served (issue 4)"),
    ("swarm", "Swarm: rolling update of 10 replicas and a worker failure, Slipway vs `docker service update` (issue 9)"),
    ("autoscale", "Autoscaling: from a load step to the new replicas serving (issue 12)"),
    ("scale-to-zero", "Scale to zero: the cold start of a held request against `docker run` (issue 12)"),
]
SUMMARY = (ROOT / "bench" / "SUMMARY.md").read_text()

parts = [SUMMARY.rstrip() + "\n"]
for area, title in AREAS:
    results = ROOT / "bench" / area / "RESULTS.md"
    if not results.exists():
        continue
    text = results.read_text()
    # Each RESULTS.md starts with its own "# " title: it becomes a section of this page.
    text = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
    text = re.sub(r"^## .*\n", "", text, count=1)
    parts.append(f"\n## {title}\n\nFrom `bench/{area}/RESULTS.md`; script `bench/{area}/run.sh`.\n\n{text.strip()}\n")
(ROOT / "docs" / "benchmarks.md").write_text("".join(parts))
print("wrote docs/benchmarks.md")
