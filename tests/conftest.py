"""Shared test fixtures: the fixture sites served over real HTTP on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mumcheck.siteserver import SiteServer

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
SITES = FIXTURES / "sites"
DEMO_SITE = REPO / "mumcheck" / "demo_site"
SITE_DIRS = {"list": SITES / "list", "tabs": SITES / "tabs", "table": SITES / "table", "demo": DEMO_SITE}


def load_site_manifest(name: str) -> dict:
    return yaml.safe_load((SITE_DIRS[name] / "manifest.yaml").read_text(encoding="utf-8"))


@pytest.fixture
def serve():
    """serve(folder, faults=None) → a started SiteServer, stopped after the test."""
    servers = []

    def start(folder, faults=None) -> SiteServer:
        server = SiteServer(folder, faults=faults).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def make_site(tmp_path, serve):
    """make_site({"index.html": "...", "a/b.pdf": b"..."}) → a served site built from those files."""

    def build(files: dict[str, str | bytes], faults=None, manifest: dict | None = None) -> SiteServer:
        root = tmp_path / f"site{len(list(tmp_path.iterdir()))}"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8")
            else:
                path.write_bytes(content)
        if manifest:
            (root / "manifest.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
        return serve(root, faults)

    return build


@pytest.fixture
def db_path(tmp_path) -> str:
    return str(tmp_path / "mumcheck.db")
