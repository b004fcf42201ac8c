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


def test_progress_events_count_the_work(serve, db_path):
    server = serve(SITE_DIRS["list"])
    events: dict[str, list[int]] = {}
    result = check_site(server.url("/"), CheckOptions(db_path=db_path),
                        progress=lambda what, n: events.setdefault(what, []).append(n))
    links = result.report["stats"]["links"]
    assert events["page"][-1] == result.report["stats"]["pages"]
    assert max(events["queued"]) == events["link"][-1]  # every link found was checked
    # … and every one is in the report, but for the site's furniture (the site map linked on every page)
    assert links == events["link"][-1] - 1
    assert events["link"] == sorted(events["link"])
    assert events["document"][-1] == result.report["stats"]["documents"]


def test_cli_progress_only_on_a_terminal(tmp_path, serve):
    import subprocess
    import sys

    server = serve(SITE_DIRS["list"])
    proc = subprocess.run([sys.executable, "-m", "mumcheck", "check", server.url("/"), "--db", str(tmp_path / "d"),
                           "-f", "json"], capture_output=True, text=True, timeout=120)
    assert "ссылки [" not in proc.stderr  # stderr is a pipe here: no bar


def test_cli_progress_bar_on_a_terminal(tmp_path, serve):
    """`script` (bsdutils, always on Debian) gives the CLI a real pseudo-terminal."""
    import shlex
    import subprocess
    import sys

    server = serve(SITE_DIRS["list"])
    command = shlex.join([sys.executable, "-m", "mumcheck", "check", server.url("/"), "--db", str(tmp_path / "d"),
                          "-o", str(tmp_path / "r.json"), "-f", "json"])
    proc = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    import json

    links = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["stats"]["links"]
    import re

    done = re.findall(r"ссылки \[[█░]+\] (\d+)/\1", proc.stdout)  # the bar reaches its total
    # every link of the report was checked (and the site map linked on every page too)
    assert done and int(done[-1]) == links + 1
    quiet = subprocess.run(["script", "-qec", command + " --quiet", "/dev/null"], capture_output=True, text=True,
                           timeout=120)
    assert "ссылки [" not in quiet.stdout
