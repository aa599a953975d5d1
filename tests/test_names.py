"""Name normalisation and resolution: every spelling of a department reaches it."""

from __future__ import annotations

import pytest

from db.names import NameResolver, normalize_name
from db.registry import load_registry


@pytest.fixture(scope="module")
def resolver() -> tuple[NameResolver, dict[str, int]]:
    """A resolver over the bundled registry, with unit ids by short name."""
    registry = load_registry()
    ids = {unit.short_name: number for number, unit in enumerate(registry.units, 1)}
    aliases = {
        normalize_name(name): ids[unit.short_name]
        for unit in registry.units
        for name in unit.all_names()
    }
    external = [normalize_name(name) for name in registry.external]
    return NameResolver(aliases, external), ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市发改委", "发改委"),
        ("绍兴市发改委", "发改委"),
        ("绍兴市 发展和改革委员会", "发展和改革委员会"),
        ("市发展和改革委员会", "发展和改革委员会"),
        ("　绍兴市发改委　", "发改委"),  # ideographic spaces
        ("ＳＸ市发改委", "sx市发改委"),  # full-width Latin folded and lower-cased
        ("信息来源：市发改委", "发改委"),
        ("绍兴县人民政府", "绍兴县"),  # a county keeps its own 绍兴
        ("绍兴市人民政府外事侨务办公室", "外事侨务办公室"),
        ("绍兴市人民政府", "绍兴市"),  # nothing left to strip: kept whole
        ("", ""),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


@pytest.mark.parametrize(
    ("text", "short_name"),
    [
        ("市发改委", "市发改委"),
        ("绍兴市发改委", "市发改委"),
        ("市发展和改革委员会", "市发改委"),
        ("绍兴市发展和改革委员会", "市发改委"),
        ("绍兴市发展和改革委员会（绍兴市物价局）", "市发改委"),
        ("市人力资源和社会保障局", "市人力社保局"),
        ("市人社局", "市人力社保局"),
        ("中华人民共和国绍兴海关", "绍兴海关"),
        ("绍兴海关", "绍兴海关"),
        ("绍兴市人民政府驻北京联络处", "驻北京联络处"),
        ("绍兴高新区管委会", "绍兴高新技术开发区管委会"),
        ("绍兴县人民政府", "绍兴县"),
        ("市发改委、绍兴市发展和改革委员会", "市发改委"),
    ],
)
def test_resolves_short_full_and_variant_names(resolver, text: str, short_name: str) -> None:
    name_resolver, ids = resolver
    result = name_resolver.resolve(text)
    assert (result.kind, result.department_id) == ("department", ids[short_name])


@pytest.mark.parametrize("text", ["新华社", "浙江日报", "来源：浙江在线"])
def test_outside_sources_resolve_as_external_and_to_nobody(resolver, text: str) -> None:
    result = resolver[0].resolve(text)
    assert (result.kind, result.department_id) == ("external", None)


@pytest.mark.parametrize("text", ["某某局", "市发改委、市财政局", None, "   "])
def test_unknown_blank_or_joint_names_stay_unresolved(resolver, text: str | None) -> None:
    result = resolver[0].resolve(text)
    assert (result.kind, result.department_id) == ("unresolved", None)
