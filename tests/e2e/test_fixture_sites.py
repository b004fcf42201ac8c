"""End to end: the real CLI, in its own process, against each fixture site served over HTTP.
Every planted defect of a site's manifest must be found with the right rule, direction, stage
and URL; nothing else may be reported as an error or a warning."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mumcheck.urls import normalize, resolve
from tests.conftest import SITE_DIRS, load_site_manifest


def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mumcheck", *args], capture_output=True, text=True,
                          timeout=timeout, encoding="utf-8")


@pytest.fixture(scope="module", params=["list", "tabs", "table", "demo"])
def checked_site(request, tmp_path_factory):
    """(manifest, base URL, report, completed process) for one fixture site, checked once."""
    from mumcheck.siteserver import SiteServer

    name = request.param
    out = tmp_path_factory.mktemp(name)
    with SiteServer(SITE_DIRS[name]) as server:
        proc = run_cli("check", server.url("/"), "--format", "json", "--output", str(out / "report.json"),
                       "--db", str(out / "db.sqlite"), "--quiet")
        report = json.loads((out / "report.json").read_text(encoding="utf-8")) if proc.returncode in (0, 1) else None
        yield load_site_manifest(name), server.base_url, report, proc


def _url(base: str, href: str) -> str:
    return resolve(base + "/", href)


def _expected(manifest: dict, base: str) -> set[tuple]:
    found = set()
    for item in manifest["expected_findings"]:
        url = _url(base, item["href"]) if item.get("href") else None
        found.add((item["rule"], item.get("direction"), item.get("stage"), url))
    return found


def test_misplaced_documents_name_where_they_belong(checked_site):
    manifest, base, report, _ = checked_site
    planted = {(_url(base, f["href"]), tuple(f["expected"].items()))
               for f in manifest["expected_findings"] if f["rule"].startswith("placement.")}
    reported = {(f["url"], tuple(f["expected"].items()))
                for f in report["findings"] if f["rule"].startswith("placement.")}
    assert reported == planted
    for finding in report["findings"]:
        if finding["rule"].startswith("placement."):
            assert finding["evidence"] and "перенесите" in finding["message"], finding


def test_exit_status_and_report(checked_site):
    manifest, base, report, proc = checked_site
    assert proc.returncode == 1, proc.stderr  # every fixture site has planted errors
    assert report is not None
    assert set(report) >= {"tool", "run", "site", "directions", "findings", "score", "stats"}
    assert report["stats"]["documents"] >= 40


def test_section_found_where_the_manifest_says(checked_site):
    manifest, base, report, _ = checked_site
    expected = _url(base, manifest["section"]) if manifest["section"] else None
    assert report["site"]["section_url"] == expected


def test_directions_found_on_their_pages(checked_site):
    manifest, base, report, _ = checked_site
    shown = {d["code"]: d["url"] for d in report["directions"] if d["present"]}
    assert shown == {code: normalize(base + path.split("#")[0]) + ("#" + path.split("#")[1] if "#" in path else "")
                     for code, path in manifest["directions"].items()}


def test_every_planted_defect_found_and_nothing_else(checked_site):
    manifest, base, report, _ = checked_site
    reported = {
        (f["rule"], f["direction"], f["stage"],
         f["url"] if f["rule"].startswith(("link.", "doc.", "placement.")) else None)
        for f in report["findings"] if f["severity"] in ("error", "warning")
    }
    assert reported == _expected(manifest, base)


def test_good_documents_are_not_flagged(checked_site):
    manifest, base, report, _ = checked_site
    flagged = {f["url"] for f in report["findings"]}
    good = [_url(base, d["href"]) for d in manifest["documents"] if not d.get("defect")]
    assert good, "the manifest lists good documents"
    assert not flagged & set(good)


def test_documents_placed_under_their_direction_and_stage(checked_site):
    manifest, base, report, _ = checked_site
    placed = {(doc["url"], d["code"], s["stage"])
              for d in report["directions"] for s in d["stages"] for doc in s["documents"]}
    for document in manifest["documents"]:
        if document.get("stage"):
            assert (_url(base, document["href"]), document["direction"], document["stage"]) in placed, document


def test_findings_messages_are_russian(checked_site):
    _, _, report, _ = checked_site
    for finding in report["findings"]:
        assert any("а" <= ch <= "я" for ch in finding["message"].lower()), finding


def test_coverage_says_which_positions_have_evidence(checked_site):
    manifest, base, report, _ = checked_site
    states = {(p["direction"], p["stage"]): p["state"] for p in report["coverage"]["positions"]}
    missing = {(f["direction"], f["stage"]) for f in manifest["expected_findings"] if f["rule"] == "structure.stage_missing"}
    absent = {code for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4") if code not in manifest["directions"]}
    for key in missing:
        assert states[key] == "missing", key
    for (direction, stage), state in states.items():
        if direction in absent:
            assert state == "missing"
    covered = sum(1 for s in states.values() if s == "covered")
    assert covered == report["coverage"]["total"]["covered"] >= len(states) - len(missing) - 6 * len(absent) - 3
