"""Document numbers (文号): bracket styles fold into one key; blanks mean "no number"."""

from __future__ import annotations

import pytest

from db.docnumber import doc_number_key, parse_doc_number


@pytest.mark.parametrize(
    "text",
    [
        "绍市发改〔2012〕12号",
        "绍市发改[2012]12号",
        "绍市发改【2012】12号",
        "绍市发改(2012)12号",
        "绍市发改（2012）12号",
        "绍市发改［2012］12号",
        " 绍市发改 〔2012〕 第12号 ",
        "绍市发改〔２０１２〕１２号",
        "绍市发改〔2012〕012号",
    ],
)
def test_bracket_styles_give_the_same_key(text: str) -> None:
    parsed = parse_doc_number(text)
    assert parsed is not None
    assert (parsed.prefix, parsed.year, parsed.seq) == ("绍市发改", 2012, 12)
    assert parsed.key == "绍市发改〔2012〕12号"


@pytest.mark.parametrize("text", [None, "", "  ", "无", "——", "暂无"])
def test_blank_or_none_means_no_number(text: str | None) -> None:
    assert parse_doc_number(text) is None
    assert doc_number_key(text) is None


def test_other_shapes_keep_their_compacted_text_as_key_and_join_no_series() -> None:
    parsed = parse_doc_number("绍市发改 2012-12")
    assert parsed is not None
    assert parsed.key == "绍市发改2012-12"
    assert parsed.seq is None and parsed.year is None


def test_different_prefixes_or_numbers_differ() -> None:
    assert doc_number_key("绍市发改〔2012〕12号") != doc_number_key("绍市发改办〔2012〕12号")
    assert doc_number_key("绍市发改〔2012〕12号") != doc_number_key("绍市发改〔2012〕13号")
