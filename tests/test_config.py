"""mumcheck.toml / [tool.mumcheck]: profile, ignore, severity; validation with file and line;
the CLI applies it and its flags override it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mumcheck.config import ConfigError, load_config
from tests.conftest import SITE_DIRS

GOOD = '''profile = "fioko-2022"
ignore = ["link.dead", "doc"]

[severity]
"placement.wrong_stage" = "error"
'''


def test_no_config_is_empty(tmp_path):
    config = load_config(tmp_path)
    assert (config.profile, config.ignore, config.severity, config.source) == (None, (), {}, None)


def test_mumcheck_toml(tmp_path):
    (tmp_path / "mumcheck.toml").write_text(GOOD, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.profile == "fioko-2022"
    assert config.ignore == ("link.dead", "doc")
    assert config.severity == {"placement.wrong_stage": "error"}
    assert config.source.endswith("mumcheck.toml")


def test_tool_table_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.mumcheck]\nprofile = "perm-2023"\n'
                                             '[tool.mumcheck.severity]\n"doc.no_text" = "info"\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.profile == "perm-2023" and config.severity == {"doc.no_text": "info"}


def test_pyproject_without_our_table_is_no_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(tmp_path).source is None


@pytest.mark.parametrize("text, line, problem", [
    ('profile = "perm-2023"\nignor = ["link"]\n', 2, "неизвестный ключ «ignor»"),
    ('profile = 2023\n', 1, "profile должен быть строкой"),
    ('profile = "perm-2099"\n', 1, "профиль «perm-2099» не найден"),
    ('ignore = "link.dead"\n', 1, "ignore должен быть списком строк"),
    ('\nignore = ["link.dead", "lnk"]\n', 2, "неизвестное правило или группа «lnk»"),
    ('[severity]\n"link.dead" = "fatal"\n', 2, "важность «fatal»"),
    ('[severity]\n"doc.none" = "info"\n', 2, "неизвестное правило «doc.none»"),
    ('profile = "perm-2023\n', 1, "ошибка TOML"),
])
def test_bad_config_refused_with_file_and_line(tmp_path, text, line, problem):
    path = tmp_path / "mumcheck.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{path}:{line}:"), info.value
    assert problem in str(info.value)


def test_bad_key_in_pyproject_table_has_its_line(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n\n[tool.mumcheck]\nprofil = "perm-2023"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: неизвестный ключ «profil»"):
        load_config(tmp_path)


def _cli(cwd, *args):
    return subprocess.run([sys.executable, "-m", "mumcheck", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=180)


def test_cli_applies_config_and_flags_override_it(tmp_path):
    from mumcheck.siteserver import SiteServer

    (tmp_path / "mumcheck.toml").write_text(
        'profile = "fioko-2022"\nignore = ["link.dead"]\n[severity]\n"placement.wrong_stage" = "info"\n', encoding="utf-8")
    with SiteServer(SITE_DIRS["demo"]) as server:
        configured = _cli(tmp_path, "check", server.url("/"), "-f", "json", "-o", "a.json", "--db", "db", "-q")
        flagged = _cli(tmp_path, "check", server.url("/"), "-f", "json", "-o", "b.json", "--db", "db", "-q",
                       "--profile", "perm-2023", "--ignore", "doc")
    assert configured.returncode in (0, 1), configured.stderr
    first = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert first["run"]["profile"] == "fioko-2022" and second["run"]["profile"] == "perm-2023"
    rules = [f["rule"] for f in first["findings"]]
    assert "link.dead" not in rules
    stage = [f for f in first["findings"] if f["rule"] == "placement.wrong_stage"]
    assert stage and all(f["severity"] == "info" for f in stage)
    second_rules = {f["rule"] for f in second["findings"]}
    assert "link.dead" not in second_rules  # --ignore adds to the config's list
    assert not any(rule.startswith("doc.") for rule in second_rules)


def test_cli_refuses_bad_config_with_status_2(tmp_path):
    (tmp_path / "mumcheck.toml").write_text('severity = 3\n', encoding="utf-8")
    proc = _cli(tmp_path, "check", "http://127.0.0.1:9/", "--db", "db", "-q")
    assert proc.returncode == 2
    assert "mumcheck.toml:1:" in proc.stderr and "severity" in proc.stderr
