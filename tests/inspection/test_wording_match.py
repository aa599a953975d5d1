"""The wording lexicon and its matcher: normalised matching, positions, quotes, exceptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.datafiles import DataFileError
from samplesites.wording import DOCUMENTS, POSTS
from scoring.inspection.page_text import page_text
from scoring.inspection.wording_lexicon import load_lexicon
from scoring.inspection.wording_match import Matcher

MATCHER = Matcher(load_lexicon())


def found(text: str) -> list[tuple[str, str]]:
    return [(hit.rule.key, hit.found) for hit in MATCHER.hits(text)]


@pytest.mark.parametrize("planted", [*POSTS.values(), *DOCUMENTS], ids=lambda p: p.key)
def test_each_planted_text_gives_exactly_its_hits(planted):
    assert found(page_text(f"<html><body>{planted.html}</body></html>")) == list(planted.hits)


def test_spaces_and_full_width_are_ignored_and_the_hit_is_shown_as_written():
    text = "会议指出，中华人民　共合国宪法。"
    [hit] = MATCHER.hits(text)
    assert hit.found == "中华人民　共合国"
    assert text[hit.offset : hit.offset + len(hit.found)] == hit.found
    assert hit.sentence == "会议指出，中华人民 共合国宪法。"  # runs of spaces shown as one


def test_right_forms_spaced_or_full_width_are_no_hit():
    assert found("中华人民 共和国　国务院 办公厅，全国人大常委会。") == []


def test_the_sentence_is_the_one_around_the_hit():
    [hit] = MATCHER.hits("第一句话。国务完召开会议！第三句。")
    assert hit.sentence == "国务完召开会议！"


def test_a_quoted_wrong_form_is_skipped_only_when_its_rule_says_so(tmp_path: Path):
    lexicon = tmp_path / "wording.toml"
    lexicon.write_text(
        '[rule.a]\nright = "国务院"\nwrong = ["国务阮"]\nskip_in_quotes = true\n'
        '[rule.b]\nright = "政务公开"\nwrong = ["政务工开"]\n',
        encoding="utf-8",
    )
    matcher = Matcher(load_lexicon(lexicon))
    text = "将“国务阮”更正为“国务院”，“政务工开”亦更正。国务阮印发。"
    expected = [("b", text.index("政务工开")), ("a", text.rindex("国务阮"))]
    assert [(h.rule.key, h.offset) for h in matcher.hits(text)] == expected


def test_a_wrong_form_inside_a_right_text_of_unless_is_no_hit(tmp_path: Path):
    lexicon = tmp_path / "wording.toml"
    lexicon.write_text(
        '[rule.office]\nright = "办公厅"\nwrong = ["办公庭"]\nunless = ["办公庭院"]\n',
        encoding="utf-8",
    )
    matcher = Matcher(load_lexicon(lexicon))
    assert [h.found for h in matcher.hits("办公庭院整修；办公庭发文。")] == ["办公庭"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[rule.a]\nright = "国务院"\nwrong = ["国务"]\n', "is part of the right form"),
        ('[rule.a]\nright = "国务院"\nwrong = []\n', "rule › a › wrong"),
        ('[rule.a]\nright = "国务院"\nwrong = ["国务阮"]\ncolour = 1\n', "unknown key"),
        (
            '[rule.a]\nright = "国务院"\nwrong = ["国务阮"]\n'
            '[rule.b]\nright = "国务院办"\nwrong = ["国务 阮"]\n',
            "is in both rule a and rule b",
        ),
        ('[rule.a]\nright = "国务院"\nwrong = ["国务阮"]\nunless = ["别的"]\n', "contains none"),
    ],
)
def test_a_lexicon_that_could_only_misfire_is_refused_in_one_line(tmp_path, content, message):
    lexicon = tmp_path / "wording.toml"
    lexicon.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        load_lexicon(lexicon)
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert str(raised.value).startswith("wording.toml: ")


def test_page_text_drops_markup_scripts_and_head_and_keeps_inline_words_together():
    html = (
        "<html><head><title>标题</title><script>var a='国务阮';</script></head>"
        "<body><p>中华人民<b>共和国</b></p><div>第二&nbsp;段</div><!-- 国务阮 --></body></html>"
    )
    assert page_text(html) == "中华人民共和国\n第二\xa0段"
