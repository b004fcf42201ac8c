"""The HTML report in headless Chromium (Debian's ``chromium``, in .ci/run's APT_PACKAGES): it loads
with no console errors, its script runs, the matrix and the findings are in the DOM, and it prints
to A4. A screenshot and the PDF are kept in ``test-output/`` at the repository root (gitignored)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from mumcheck.report import render

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("chromium is not installed: apt-get install -y chromium (it is in .ci/run APT_PACKAGES)")


def run_chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    return subprocess.run([chromium_binary(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE(" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def html_file(site_reports) -> tuple[Path, dict]:
    report, _ = site_reports["demo"]
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / "report-demo.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return path, report


def test_console_errors_are_detected(tmp_path):
    """The check below would see an error: a page whose script throws is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>", encoding="utf-8")
    proc = run_chromium(tmp_path, page, "--dump-dom")
    assert any("undefinedFunction" in m for m in console_messages(proc.stderr)), proc.stderr[-2000:]


def test_loads_without_errors_and_shows_matrix_and_findings(html_file, tmp_path):
    path, report = html_file
    proc = run_chromium(tmp_path, path, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_messages(proc.stderr) == []
    dom = BeautifulSoup(proc.stdout, "html.parser")
    assert dom.html.get("data-ready") == "1", "the inline script did not finish"
    assert dom.select_one("#municipality").get_text() == report["site"]["title"]
    assert "зона:" in dom.select_one("#zone").get_text()
    rows = dom.select("#matrix tbody tr")
    assert [r["data-direction"] for r in rows] == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4"]
    states = {td["data-state"] for td in dom.select("#matrix td[data-state]")}
    assert {"ok", "broken", "misplaced", "scan"} <= states  # the demo site plants each of them
    items = dom.select("li.finding")
    assert len(items) == len(report["findings"])
    assert {i.select_one(".msg").get_text() for i in items} == {f["message"] for f in report["findings"]}
    for item, finding in zip(items, [f for _, group in _grouped(report) for f in group]):
        if finding.get("page"):
            assert finding["page"] in [a["href"] for a in item.select("a")]
    assert dom.select_one("#shown").get_text() == f"показано {len(items)} из {len(items)}"


def _grouped(report):
    from mumcheck.report.view import grouped_findings

    return grouped_findings(report)


def test_self_contained(html_file):
    path, _ = html_file
    html = path.read_text(encoding="utf-8")
    dom = BeautifulSoup(html, "html.parser")
    assert not dom.select("link[href], script[src], img[src], iframe, object")
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", html), "no external resources in CSS"
    assert "@media print" in html and "size:A4" in html


def test_screenshot_and_a4_print(html_file, tmp_path):
    path, _ = html_file
    shot = OUTPUT / "report-demo.png"
    pdf = OUTPUT / "report-demo.pdf"
    for old in (shot, pdf):
        old.unlink(missing_ok=True)
    proc = run_chromium(tmp_path, path, "--window-size=1280,2200", f"--screenshot={shot}")
    assert proc.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", proc.stderr[-2000:]
    proc = run_chromium(tmp_path, path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert proc.returncode == 0 and pdf.is_file(), proc.stderr[-2000:]
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    assert 1 <= len(document) <= 6
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
