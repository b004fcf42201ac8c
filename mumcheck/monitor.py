"""Monitoring: re-check a site (conditional requests make it cheap) and say what changed since
the previous run in the database — new and fixed findings, documents added, removed or changed
(by content hash), pages that appeared or vanished."""

from __future__ import annotations

from typing import Any

from mumcheck import __version__
from mumcheck.pipeline import CheckOptions, check_site
from mumcheck.store import Store
from mumcheck.urls import normalize


def finding_key(finding: dict[str, Any]) -> tuple:
    return (finding["rule"], finding.get("url"), finding.get("direction"), finding.get("stage"))


def compare(store: Store, run_id: int, previous_id: int | None) -> dict[str, Any]:
    """The changes between two stored runs of one site (``previous_id`` None: the first run)."""
    current = store.load_report(run_id)
    before = store.load_report(previous_id) if previous_id else None
    old_findings = {finding_key(f): f for f in (before or {}).get("findings", [])}
    new_findings = {finding_key(f): f for f in current["findings"]}
    old_docs = store.run_documents(previous_id) if previous_id else {}
    new_docs = store.run_documents(run_id)
    old_pages = store.run_pages(previous_id) if previous_id else set()
    new_pages = store.run_pages(run_id)
    return {
        "tool": {"name": "mumcheck", "version": __version__},
        "site": current["site"],
        "run": current["run"],
        "previous_run": before["run"] if before else None,
        "first_run": before is None,
        "new_findings": [f for key, f in new_findings.items() if key not in old_findings],
        "fixed_findings": [f for key, f in old_findings.items() if key not in new_findings],
        "documents": {
            "added": sorted(u for u, sha in new_docs.items() if sha and u not in old_docs) if before else [],
            "removed": sorted(u for u, sha in old_docs.items() if sha and u not in new_docs),
            "changed": sorted(u for u, sha in new_docs.items()
                              if u in old_docs and sha and old_docs[u] and sha != old_docs[u]),
        },
        "pages": {
            "appeared": sorted(new_pages - old_pages) if before else [],
            "vanished": sorted(old_pages - new_pages),
        },
        "score": {"now": current["score"], "before": before["score"] if before else None},
        "stats": current["stats"],
    }


def monitor_site(start_url: str, options: CheckOptions) -> dict[str, Any]:
    """Check the site again and compare with its previous finished run."""
    result = check_site(start_url, options)
    with Store(options.db_path) as store:
        previous = store.previous_done_run(normalize(start_url), before=result.run_id)
        return compare(store, result.run_id, previous)


def history(start_url: str, db_path: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    with Store(db_path) as store:
        return store.runs(normalize(start_url), limit=limit)
