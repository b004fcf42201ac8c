"""The pipeline as a library: plain data in and out, and what a re-run saves."""

from __future__ import annotations

from mumcheck.pipeline import CheckOptions, check_site
from tests.conftest import SITE_DIRS


def test_rerun_sends_conditional_requests_and_reads_from_cache(tmp_path, serve, db_path):
    server = serve(SITE_DIRS["table"])
    first = check_site(server.url("/"), CheckOptions(db_path=db_path))
    server.requests.clear()
    second = check_site(server.url("/"), CheckOptions(db_path=db_path))

    assert second.run_id == first.run_id + 1
    key = lambda f: (f.rule, f.direction, f.stage, f.url)  # noqa: E731
    assert sorted(map(key, second.findings)) == sorted(map(key, first.findings))
    assert any(f.rule == "doc.no_text" for f in second.findings)  # the scan is known from the cache
    assert first.report["stats"]["bytes"] > 1_000_000
    # Only pages and the dead link move bytes again; unchanged documents answer 304.
    assert second.report["stats"]["bytes"] < first.report["stats"]["bytes"] / 10
    assert second.report["stats"]["not_modified"] == second.report["stats"]["documents"] >= 45
    assert first.report["stats"]["not_modified"] == 0
    assert second.report["score"] == first.report["score"]


def test_no_extract_checks_links_only(serve, db_path):
    server = serve(SITE_DIRS["demo"])
    result = check_site(server.url("/"), CheckOptions(db_path=db_path, extract=False))
    rules = {f.rule for f in result.findings}
    assert "link.dead" in rules and "doc.no_text" not in rules


def test_result_is_plain_data(serve, db_path):
    import json

    server = serve(SITE_DIRS["list"])
    result = check_site(server.url("/"), CheckOptions(db_path=db_path))
    assert json.loads(json.dumps(result.report)) == result.report
