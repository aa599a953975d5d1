"""Propose a column's category (栏目类别) from its name, for a reviewer to confirm.

The national inspection (国办秘函〔2019〕19号) judges a column by its category: 动态/要闻 go stale
after two weeks, 通知公告 and 政策文件 after six months, and so on (the ``[category.*]`` tables
of ``scoring/rules/national-2019.toml``). A column without a category is not inspected, so
``sites discover`` proposes one from the words of the column's name and marks it for review.
"""

from __future__ import annotations

# Category key -> words of a column name that mean it. The first category with a word in the
# name wins: the more particular ones (年报 before 报告, 政策文件 before 通知) come first.
NAME_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("annual_report", ("年报", "年度报告")),
    ("interactive", ("信箱", "互动", "咨询", "留言", "投诉", "访谈", "征集", "调查", "问政")),
    ("policy", ("政策文件", "规范性文件", "政策法规", "政策解读", "文件", "法规", "政策")),
    ("notice", ("通知公告", "公告", "通知", "公示", "通告")),
    ("dynamic", ("动态", "要闻", "新闻", "资讯", "快讯")),
    ("basic", ("机构", "职能", "领导", "概况", "简介", "人事", "指南")),
    ("static", ("联系我们", "网站地图", "关于本站")),
)


def propose_category(name: str) -> str | None:
    """Return the category the words of ``name`` suggest, or None when none does."""
    for category, words in NAME_WORDS:
        if any(word in name for word in words):
            return category
    return None
