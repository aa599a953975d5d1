"""Find a lexicon's wrong forms in a text: one Aho-Corasick pass, positions in the original.

The text is normalised first (full-width → half-width, spaces removed, as
:func:`~scoring.inspection.wording_lexicon.normalise`), so ``中华人民 共合国`` and
``中华人民共合国`` are the same hit; each hit is mapped back to the original text for the
sentence a reviewer reads.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

import ahocorasick

from scoring.inspection.page_text import ascii_compatible, decode
from scoring.inspection.wording_lexicon import WIDTH, Lexicon, Rule, normalise

_WORDS = re.compile(r"\S+")
_TAGS = re.compile(r"<[^>]*>")
_TAG_BYTES = re.compile(rb"<[^>]*+>")
_SPACE_ENTITIES = ("&nbsp;", "&ensp;", "&emsp;", "&thinsp;", "&NBSP;")
_SENTENCE_END = "。！？!?；;\n"
_OPENING, _CLOSING = "“‘「『\"'", "”’」』\"'"
SENTENCE_MAX = 160  # characters either side of a hit, at most, when a sentence runs on


@dataclass(frozen=True)
class Hit:
    rule: Rule
    found: str  # as the text wrote it (spaces and widths included)
    offset: int  # in the original text
    sentence: str


class Matcher:
    """An automaton over every wrong form of a lexicon, built once, used for every page."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._automaton = ahocorasick.Automaton()
        characters: set[str] = set()
        for rule in lexicon.rules:
            for form in rule.wrong:
                wrong = normalise(form)
                characters.update(wrong)
                self._automaton.add_word(wrong, (rule, wrong))
        self._automaton.make_automaton()
        # The same forms, and "&#": a numeric character reference may hide a character of one.
        self._screen = ahocorasick.Automaton()
        for form in [*self._automaton.keys(), "&#"]:
            self._screen.add_word(form, form)
        self._screen.make_automaton()
        # Only the full-width forms of characters the lexicon uses need turning half-width
        # (none for a lexicon of Chinese words: then the text is not translated at all).
        self._width = {wide: half for wide, half in WIDTH.items() if chr(half) in characters}

    def might_hit(self, body: bytes, encoding: str | None) -> bool:
        """Whether a stored page may hold a hit: False proves it holds none.

        Far cheaper than :meth:`hits` on the page's text: tags are cut from the bytes before
        they are decoded (for the encodings where that is safe), spaces removed, and the
        automaton run once. Scripts and styles are kept: a page is only read closely for them.
        A page with numeric character references (``&#20013;``) is always read closely.
        """
        if ascii_compatible(encoding):
            flat = decode(_TAG_BYTES.sub(b"", body), encoding)
        else:
            flat = _TAGS.sub("", decode(body, encoding))
        if self._width:
            flat = flat.translate(self._width)
        joined = "".join(flat.split())
        if "&" in joined:
            for entity in _SPACE_ENTITIES:
                joined = joined.replace(entity, "")
        return next(self._screen.iter(joined), None) is not None

    def hits(self, text: str) -> list[Hit]:
        """Every wrong form in ``text``, in text order (see the module docstring)."""
        flat = text.translate(self._width) if self._width else text
        joined = "".join(flat.split())
        matches = list(self._automaton.iter(joined))
        if not matches:
            return []
        runs = [(m.start(), m.group()) for m in _WORDS.finditer(flat)]
        # The k-th run starts at starts[k] in the joined text and at origins[k] in the original.
        starts, origins, position = [], [], 0
        for origin, word in runs:
            starts.append(position)
            origins.append(origin)
            position += len(word)

        def original(index: int) -> int:
            k = bisect_right(starts, index) - 1
            return origins[k] + index - starts[k]

        found: list[Hit] = []
        for last, (rule, wrong) in matches:
            first = last - len(wrong) + 1
            if _excepted(joined, first, wrong, rule):
                continue
            begin, end = original(first), original(last) + 1
            if rule.skip_in_quotes and _quoted(text, begin, end):
                continue
            found.append(Hit(rule, text[begin:end], begin, sentence_around(text, begin, end)))
        found.sort(key=lambda hit: hit.offset)
        return found


def _excepted(joined: str, first: int, wrong: str, rule: Rule) -> bool:
    """Whether the hit lies inside one of the rule's right texts (``unless``)."""
    for text in rule.unless:
        allowed = normalise(text)
        at = allowed.find(wrong)
        while at >= 0:
            if first - at >= 0 and joined.startswith(allowed, first - at):
                return True
            at = allowed.find(wrong, at + 1)
    return False


def _quoted(text: str, begin: int, end: int) -> bool:
    """Whether ``text[begin:end]`` is inside quotes opened and closed in its sentence."""
    opener = None
    for index in range(begin - 1, max(begin - SENTENCE_MAX, 0) - 1, -1):
        char = text[index]
        if char in _SENTENCE_END:
            break
        if char in _OPENING and (char not in _CLOSING or _opens(text, index, begin)):
            opener = char
            break
        if char in _CLOSING:
            return False
    if opener is None:
        return False
    closing = _CLOSING[_OPENING.index(opener)]
    for index in range(end, min(end + SENTENCE_MAX, len(text))):
        char = text[index]
        if char == closing:
            return True
        if char in _SENTENCE_END:
            return False
    return False


def _opens(text: str, index: int, begin: int) -> bool:
    """A straight quote at ``index`` opens when an even number of them precede it in the line."""
    line_start = max(text.rfind("\n", 0, index), 0)
    return text.count(text[index], line_start, index) % 2 == 0


def sentence_around(text: str, begin: int, end: int) -> str:
    """The sentence holding ``text[begin:end]``, cut at SENTENCE_MAX characters either side."""
    start = begin
    while start > 0 and begin - start < SENTENCE_MAX and text[start - 1] not in _SENTENCE_END:
        start -= 1
    stop = end
    while stop < len(text) and stop - end < SENTENCE_MAX and text[stop] not in _SENTENCE_END:
        stop += 1
    if stop < len(text) and text[stop] not in "\n":
        stop += 1  # keep the sentence's own full stop
    return " ".join(text[start:stop].split())
