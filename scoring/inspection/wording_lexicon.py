"""The wording lexicon (用语规范词表): wrong → right forms the operator maintains.

Read from ``db/data/wording.toml`` (or the file EGOV_WORDING_FILE names) with
:mod:`db.datafiles`: unknown keys are refused, and a rule that could only misfire is refused too
(a wrong form that is part of its right form would make every right text a hit; a wrong form in
two rules would leave a hit without one right form).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from db.datafiles import DataFileError, FileModel, read_toml, validate

DEFAULT_WORDING_FILE = Path(__file__).resolve().parents[2] / "db" / "data" / "wording.toml"

# Full-width ASCII (！…～) to half-width, the ideographic space to a space: one character for
# one character, so positions in the normalised text are positions in the original.
WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalise(text: str) -> str:
    """``text`` as matched: half-width, without spaces."""
    return "".join(text.translate(WIDTH).split())


class RuleModel(FileModel):
    right: str = Field(min_length=1, max_length=128)
    wrong: list[str] = Field(min_length=1)
    unless: tuple[str, ...] = ()
    skip_in_quotes: bool = False
    group: str = ""

    @field_validator("wrong")
    @classmethod
    def _forms(cls, value: list[str]) -> list[str]:
        for form in value:
            if not normalise(form):
                raise ValueError("a wrong form is empty")
            if len(form) > 128:
                raise ValueError(f"{form!r} is longer than 128 characters")
        return value

    @model_validator(mode="after")
    def _misfires(self) -> RuleModel:
        right = normalise(self.right)
        for form in self.wrong:
            if normalise(form) in right:
                raise ValueError(
                    f"wrong form {form!r} is part of the right form {self.right!r}: "
                    "every right text would be a hit"
                )
        for text in self.unless:
            if not any(normalise(form) in normalise(text) for form in self.wrong):
                raise ValueError(f"unless {text!r} contains none of the wrong forms")
        return self


class LexiconModel(FileModel):
    rule: dict[str, RuleModel] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_rule_per_form(self) -> LexiconModel:
        seen: dict[str, str] = {}
        for key, rule in self.rule.items():
            if len(key) > 64:
                raise ValueError(f"rule key {key!r} is longer than 64 characters")
            for form in rule.wrong:
                other = seen.setdefault(normalise(form), key)
                if other != key:
                    raise ValueError(f"wrong form {form!r} is in both rule {other} and rule {key}")
        return self


@dataclass(frozen=True)
class Rule:
    key: str
    right: str
    wrong: tuple[str, ...]
    unless: tuple[str, ...]
    skip_in_quotes: bool
    group: str


@dataclass(frozen=True)
class Lexicon:
    path: Path
    version: str  # sha256 of the file's bytes: a scan records which lexicon it used
    rules: tuple[Rule, ...]


def load_lexicon(path: Path = DEFAULT_WORDING_FILE) -> Lexicon:
    """Read and check the lexicon; :class:`DataFileError` in one line if it is wrong."""
    model = validate(LexiconModel, read_toml(path), path.name)
    try:
        version = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:  # read a moment ago; gone since
        raise DataFileError(f"{path}: {error.strerror}") from None
    rules = tuple(
        Rule(key, r.right, tuple(r.wrong), tuple(r.unless), r.skip_in_quotes, r.group)
        for key, r in model.rule.items()
    )
    return Lexicon(path, version, rules)
