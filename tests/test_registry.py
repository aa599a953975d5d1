"""The department registry: the 66 units of Annex 3, the counties, and its validation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Department, DepartmentAlias
from db.registry import DEFAULT_REGISTRY, RegistryError, import_registry, load_registry


def test_bundled_registry_has_annex_3_departments_by_tier_and_the_counties() -> None:
    registry = load_registry()
    departments = [u for u in registry.units if u.kind == "department"]
    assert len(departments) == 66
    assert Counter(u.tier for u in departments) == {1: 22, 2: 18, 3: 26}
    assert {u.short_name for u in registry.units if u.kind == "county"} == {
        "越城区", "绍兴县", "上虞市", "诸暨市", "嵊州市", "新昌县",
    }  # fmt: skip


def test_bundled_registry_flags_the_exempt_units_of_note_1() -> None:
    units = {u.short_name: u.flags for u in load_registry().units}
    liaison = {name for name, flags in units.items() if flags["is_liaison_office"]}
    enterprises = {name for name, flags in units.items() if flags["is_city_enterprise"]}
    assert liaison == {"驻北京联络处", "驻上海联络处"}
    assert enterprises == {"市旅游集团", "市水务集团", "市燃气集团", "市城投集团", "市交投集团"}


def test_import_twice_creates_nothing_the_second_time(session: Session) -> None:
    registry = load_registry()
    first = import_registry(session, registry)
    second = import_registry(session, registry)
    session.commit()
    assert (first.created, second.created, second.aliases_added) == (72, 0, 0)
    assert session.scalar(select(func.count()).select_from(Department)) == 72
    assert session.scalar(select(func.count()).select_from(DepartmentAlias)) == first.aliases_added


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_REGISTRY.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "departments.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('short_name = "市教育局"\nfull_name = "绍兴市教育局"\ntier = 1',
         'short_name = "市教育局"\nfull_name = "绍兴市教育局"\ntier = 4',
         "department #3 (市教育局): 'tier' must be 1, 2 or 3, got 4"),
        ('aliases = ["市经委", "绍兴市经济委员会"]', 'aliases = ["市发改委"]',
         "name '市发改委' (normalised '发改委') belongs to both 市发改委 and 市经信委"),
        ('short_name = "市科技局"', 'short_name = "市科技局"\ncolour = "red"',
         "department #4 (市科技局): unknown key(s) ['colour']"),
    ],
)  # fmt: skip
def test_malformed_registry_is_rejected_naming_file_and_entry(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(RegistryError) as error:
        load_registry(path)
    assert str(error.value) == f"{path}: {message}"
