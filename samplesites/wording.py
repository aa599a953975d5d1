"""Planted miswritings (严重错误 candidates) and right look-alikes, with the hits they must give.

Posts are served by the inspection sample (:mod:`samplesites.inspection`) as the bodies of its
``dyn-news`` articles; documents are stored by the tests as disclosure documents. Each text
lists the hits the bundled lexicon (``db/data/wording.toml``) must find: (rule, form as written).
Look-alikes that are right (the right forms spaced or full-width, a correction notice quoting
the wrong form) must give none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlantedText:
    key: str
    html: str  # the body's markup
    hits: tuple[tuple[str, str], ...]  # (rule key, the wrong form as the page writes it)


POSTS: dict[int, PlantedText] = {  # dyn-news article number → its body
    0: PlantedText(
        "post-prc",
        "<p>根据《中华人民共合国政府信息公开条例》规定，现将有关事项通知如下。</p>",
        (("prc", "中华人民共合国"),),
    ),
    1: PlantedText(
        "post-office",
        "<p>国务院办公庁印发通知。中华人民共和国国务院办公厅负责同志出席会议。</p>"
        "<p>中华人民<b>共合国</b>成立以来，各项事业取得成就。</p>",
        (("state-council-office", "国务院办公庁"), ("prc", "中华人民共合国")),
    ),
    2: PlantedText(
        "post-spaced",
        "<p>全国人民代表 大汇常务委员会召开会议。</p>"
        "<p>更正：本网站已将“中华人民共合国”更正为“中华人民共和国”。</p>"
        "<p>中华人民　共和国 国务院 办公厅；全国人民代表大会；ＰＲＣ。</p>",
        (("npc", "全国人民代表 大汇"),),
    ),
}

DOCUMENTS: tuple[PlantedText, ...] = (
    PlantedText(
        "doc-cppcc",
        "<table><tr><td>标题</td><td>关于中国人民政治协商会义提案办理的通知</td></tr></table>",
        (("cppcc", "中国人民政治协商会义"),),
    ),
    PlantedText(
        "doc-regulation",
        "<div>依据《政府信息公开条列》第二十条，主动公开本文件。</div>",
        (("disclosure-regulation", "政府信息公开条列"),),
    ),
    PlantedText(
        "doc-right",
        "<div>全国人大常委会、中国人民政治协商会议、国务院办公厅联合发文。</div>",
        (),
    ),
)


def post_body(column_key: str, number: int) -> str:
    """The body of an article of the inspection sample: planted text for ``dyn-news``."""
    planted = POSTS.get(number) if column_key == "dyn-news" else None
    return planted.html if planted else "<p>正文。</p>"


def post_hits() -> int:
    return sum(len(p.hits) for p in POSTS.values())
