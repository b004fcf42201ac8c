"""Structure and placement figures on material mumcheck was not tuned on, in one command:

    python benchmarks/structure/run.py [--json out.json]

Builds the layout zoo (fixtures/zoo/) and checks every site, then measures placement on both
labelled corpora (fixtures/corpus/ and fixtures/corpus3/, tuned on; fixtures/corpus2/, written blind and
never tuned on).
Prints the figures that benchmarks/README.md records.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.structure.measure import build_zoo, check_zoo_site, corpus_entries, measure_corpus, summarize_zoo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    figures: dict = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                     "machine": f"{platform.machine()}, {platform.python_version()}"}
    with tempfile.TemporaryDirectory(prefix="mumcheck-structure-") as folder:
        started = time.monotonic()
        sites = build_zoo(Path(folder) / "zoo")
        outcomes = [check_zoo_site(site, str(Path(folder) / f"{site.name}.db")) for site in sites]
        figures["zoo"] = summarize_zoo(outcomes)
        figures["zoo"]["seconds"] = round(time.monotonic() - started, 1)
        figures["zoo"]["sites"] = {o.name: {"misplaced": o.misplaced, "false_findings": o.false_findings,
                                            "missed": o.missed} for o in outcomes
                                   if o.misplaced or o.false_findings or o.missed}
        for which in ("corpus", "corpus3", "corpus2"):
            measured = measure_corpus(corpus_entries(which, Path(folder) / which))
            figures[which] = {key: measured[key] for key in ("documents", "direction", "stage", "all")}
            figures[which]["mistakes"] = measured["mistakes"][:30]
    text = json.dumps(figures, ensure_ascii=False, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
