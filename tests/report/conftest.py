"""Reports of the fixture sites and the demo, checked once per test session through the pipeline,
and the normalisation that makes them comparable with golden files."""

from __future__ import annotations

import copy
import re

import pytest

from mumcheck.pipeline import CheckOptions, check_site
from mumcheck.siteserver import SiteServer
from tests.conftest import SITE_DIRS

GOLDEN_SITE = "tabs"


@pytest.fixture(scope="session")
def site_reports(tmp_path_factory) -> dict[str, dict]:
    """name → (report dict, base URL) for every fixture site and the demo."""
    reports = {}
    for name, folder in SITE_DIRS.items():
        db = tmp_path_factory.mktemp(f"report-{name}") / "runs.db"
        with SiteServer(folder) as server:
            result = check_site(server.url("/"), CheckOptions(db_path=str(db), workers=2))
            reports[name] = (result.report, server.base_url)
    return reports


def normalise(report: dict, base_url: str) -> dict:
    """The report with its volatile parts fixed: server port, run id, dates, seconds, version."""
    port = re.escape(base_url.rsplit(":", 1)[1])
    pattern = re.compile(rf"(127\.0\.0\.1|localhost):{port}\b")

    def fix(value):
        if isinstance(value, str):
            return pattern.sub(r"\1:PORT", value)
        if isinstance(value, list):
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {fix(k): fix(v) for k, v in value.items()}
        return value

    data = fix(copy.deepcopy(report))
    data["tool"]["version"] = "VERSION"
    data["run"].update(id=1, started="2024-03-01T10:00:00+00:00", finished="2024-03-01T10:02:00+00:00")
    data["stats"]["seconds"] = 1.0
    return data


@pytest.fixture(scope="session")
def golden_report(site_reports) -> dict:
    report, base = site_reports[GOLDEN_SITE]
    return normalise(report, base)
