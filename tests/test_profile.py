"""Profiles: inheritance, points, stage requirements, zones and validation of profile files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mumcheck.profile import DEFAULT_PROFILE, available_profiles, load_profile
from mumcheck.ruledata import RuleFileError, rules_dir

DIRECTIONS = ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4")
SIX = ("goals", "indicators", "analysis", "recommendations", "measures", "effectiveness")
POINTS = {"1.1": 25, "1.2": 15, "1.3": 49, "1.4": 155, "2.1": 20, "2.2": 86, "2.3": 72, "2.4": 20}


def test_default_is_perm():
    assert DEFAULT_PROFILE == "perm-2023"
    assert {"perm-2023", "fioko-2022"} <= set(available_profiles())


def test_perm_extends_fioko():
    perm, fioko = load_profile("perm-2023"), load_profile("fioko-2022")
    assert perm.id == "perm-2023" and fioko.id == "fioko-2022"
    assert perm.title != fioko.title
    # inherited from fioko-2022
    assert perm.stages == fioko.stages
    assert perm.direction_points == fioko.direction_points
    assert perm.zones == fioko.zones
    assert perm.unverified_note == fioko.unverified_note and perm.unverified_note
    assert perm.verified is False
    # overridden
    assert perm.requires_responsible is True and fioko.requires_responsible is False
    assert perm.requires_section and fioko.requires_section


def test_points():
    for name in ("perm-2023", "fioko-2022"):
        profile = load_profile(name)
        assert profile.direction_points == {k: float(v) for k, v in POINTS.items()}
        assert sum(profile.direction_points.values()) == 442 == profile.total_points
        assert profile.block_points == {"1": 244.0, "2": 198.0}
        assert sum(v for k, v in profile.direction_points.items() if k.startswith("1.")) == 244
        assert profile.directions == DIRECTIONS


def test_stages():
    profile = load_profile("perm-2023")
    assert tuple(s.id for s in profile.stages) == SIX
    assert profile.stage("indicators").covers == ("indicators", "methods", "monitoring")
    assert profile.stage("measures").covers == ("measures", "decisions")
    assert profile.stage("goals").title == "Цели и задачи"
    with pytest.raises(KeyError):
        profile.stage("methods")


def test_stage_requirements():
    perm = load_profile("perm-2023")
    for code in ("1.1", "1.2"):
        assert perm.required_stages(code) == ()
    for code in ("1.3", "1.4", "2.1", "2.2", "2.3", "2.4"):
        assert perm.required_stages(code) == SIX
    assert perm.required_stages("3.1") == ()
    fioko = load_profile("fioko-2022")
    assert all(fioko.required_stages(code) == () for code in DIRECTIONS)


@pytest.mark.parametrize("percent,zone", [
    (100, "green"), (75, "green"), (74.9, "yellow"), (55, "yellow"), (54.9, "orange"),
    (35, "orange"), (34.9, "red"), (0, "red"),
])
def test_zone_of(percent, zone):
    profile = load_profile("perm-2023")
    assert profile.zones == (("green", 75.0), ("yellow", 55.0), ("orange", 35.0), ("red", 0.0))
    assert profile.zone_of(percent) == zone


def test_zone_below_every_threshold_is_lowest():
    assert load_profile("perm-2023").zone_of(-1) == "red"


def test_unknown_profile_lists_available():
    with pytest.raises(RuleFileError) as info:
        load_profile("tver-2024")
    message = str(info.value)
    assert "«tver-2024» не найден" in message
    assert "fioko-2022" in message and "perm-2023" in message


def test_bad_profile_name_rejected():
    with pytest.raises(RuleFileError, match="Недопустимое имя профиля"):
        load_profile("../checks")


# --- broken profile files ---------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} changed: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(lines) == 1
    return lines[0]


def test_copy_loads(tmp_path):
    folder = _copy(tmp_path)
    copy = load_profile("perm-2023", str(folder))
    assert copy.direction_points == load_profile("perm-2023").direction_points
    assert available_profiles(str(folder)) == available_profiles()


def test_unknown_key_names_file_and_line(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "profiles" / "perm-2023.yaml"
    _edit(path, "requires:\n", "reqiures:\n")
    with pytest.raises(RuleFileError) as info:
        load_profile("perm-2023", str(folder))
    message = str(info.value)
    assert message.startswith(f"{path}:{_line_of(path, 'reqiures:')}: "), message
    assert "неизвестный ключ «reqiures»" in message and "requires" in message


def test_unknown_key_in_parent_profile(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "profiles" / "fioko-2022.yaml"
    _edit(path, "\npoints:\n", "\npoint:\n")
    with pytest.raises(RuleFileError) as info:
        load_profile("perm-2023", str(folder))
    assert str(info.value).startswith(f"{path}:{_line_of(path, 'point:')}: ")


def test_self_extending_cycle(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "profiles" / "fioko-2022.yaml", "id: fioko-2022\n", "id: fioko-2022\nextends: perm-2023\n")
    with pytest.raises(RuleFileError) as info:
        load_profile("perm-2023", str(folder))
    message = str(info.value)
    assert "наследует сам себя" in message
    assert "perm-2023 → fioko-2022 → perm-2023" in message


def test_extends_itself(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "profiles" / "perm-2023.yaml", "extends: fioko-2022", "extends: perm-2023")
    with pytest.raises(RuleFileError, match="наследует сам себя"):
        load_profile("perm-2023", str(folder))


def test_extends_unknown_profile(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "profiles" / "perm-2023.yaml", "extends: fioko-2022", "extends: fioko-2019")
    with pytest.raises(RuleFileError, match="«fioko-2019» не найден"):
        load_profile("perm-2023", str(folder))


def test_required_stage_not_in_stages(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "profiles" / "perm-2023.yaml"
    _edit(path, "stages: [goals, indicators,", "stages: [goals, targets, indicators,")
    with pytest.raises(RuleFileError) as info:
        load_profile("perm-2023", str(folder))
    message = str(info.value)
    assert "perm-2023.yaml" in message and "«targets»" in message


def test_yaml_error_in_profile(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "profiles" / "perm-2023.yaml"
    _edit(path, "  section: true\n", "  section: true\n section: false\n")
    with pytest.raises(RuleFileError) as info:
        load_profile("perm-2023", str(folder))
    assert "ошибка YAML" in str(info.value)
    assert str(info.value).startswith(f"{path}:")


def test_rule_override_with_a_bad_severity_is_refused(tmp_path):
    root = _copy(tmp_path)
    path = root / "profiles" / "perm-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nrules:\n  link.dead: {severity: fatal}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="важность «fatal»"):
        load_profile("perm-2023", str(root))


def test_rule_override_regrades_and_silences(tmp_path):
    root = _copy(tmp_path)
    path = root / "profiles" / "perm-2023.yaml"
    path.write_text(path.read_text(encoding="utf-8")
                    + "\nrules:\n  link.dead: {severity: warning}\n  doc.no_text: {enabled: false}\n", encoding="utf-8")
    profile = load_profile("perm-2023", str(root))
    assert profile.rule_overrides == {"link.dead": {"severity": "warning"}, "doc.no_text": {"enabled": False}}


# --- fioko-2021 and ФИОКО positions ------------------------------------------------------------
def test_fioko_2021_points_from_the_sources():
    profile = load_profile("fioko-2021")
    assert profile.total_points == 902 and profile.block_points == {"1": 480}
    assert profile.direction_points == {"1.1": 149}  # the others are not in the sources
    assert profile.stage_points["1.1"] == {"goals": 27, "indicators": 20}
    assert profile.verified is False and "902" in profile.unverified_note
    goals = [p for p in profile.positions if p.stage == "goals"]
    assert [p.points for p in goals] == [6, 6, 6, 3, 3, 3] and sum(p.points for p in goals) == 27
    assert all(p.direction == "1.1" and p.verified and p.evidence for p in profile.positions)


@pytest.mark.parametrize("old, new, problem", [
    ("    stage: goals\n    title: Наличие муниципальной цели и задач по оценке",
     "    stage: targets\n    title: Наличие муниципальной цели и задач по оценке", "этап «targets» не описан"),
    ("    points: 3\n    verified: true\n    evidence: [функциональной", "    points: три\n    verified: true\n    evidence: [функциональной",
     "points должно быть числом"),
    ("  - id: 1.1-goals-fg\n", "  - id: 1.1-goals-fg\n    weight: 2\n", "неизвестный ключ «weight»"),
    ("  - id: 1.1-goals-fg\n", "  - id: 1.1-goals-noo\n", "описана дважды"),
])
def test_bad_position_names_file_and_line(tmp_path, old, new, problem):
    folder = _copy(tmp_path)
    path = folder / "profiles" / "fioko-2021.yaml"
    _edit(path, old, new)
    with pytest.raises(RuleFileError) as info:
        load_profile("fioko-2021", str(folder))
    message = str(info.value)
    line = _line_of(path, "- id: 1.1-goals-fg") if "fg" in old and "fg" in new else None
    assert message.startswith(f"{path}:"), message
    assert problem in message
    if line:
        assert message.startswith(f"{path}:{line}:"), message


def test_readme_region_profile_is_one_yaml_file_that_loads(tmp_path):
    """The README shows a new region's checklist as one YAML file and nothing else: it must load."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Чек-лист своего региона", 1)[1]
    text = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = _copy(tmp_path)
    (folder / "profiles" / "kray-2024.yaml").write_text(text, encoding="utf-8")
    profile = load_profile("kray-2024", str(folder))
    assert profile.requires_responsible and profile.total_points == 442
    assert profile.required_stages("1.1") == SIX
    assert profile.rule_overrides["placement.wrong_stage"] == {"enabled": False}
    assert "kray-2024" in available_profiles(str(folder))
