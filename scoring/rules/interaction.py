"""The ``[interaction]`` table of the national rules: 互动回应差 and slow replies to letters.

Declared as :class:`db.datafiles.FileModel` tables and read with the rest of the national rules
file (:mod:`scoring.rules.national`). A file written before this table existed keeps loading:
the values then are the defaults below, which are the bundled file's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from pydantic import model_validator

from db.datafiles import FileModel, Number, PositiveInteger, Text

UNANSWERED_NAME = "互动回应差 (未提供有效互动功能，或政务咨询类栏目存在超过3个月未回应有效留言)"
SLOW_NAME = "留言办理不及时"


class _Table(FileModel):
    keys_named_in_errors: ClassVar[bool] = True


class SlowRepliesTable(_Table):
    name: Text = SLOW_NAME
    reply_within_working_days: PositiveInteger = 5
    points_each: Number = Decimal("0.5")
    max_points: Number = Decimal("5")

    @model_validator(mode="after")
    def _cap_covers_one_reply(self) -> SlowRepliesTable:
        if self.max_points < self.points_each:
            raise ValueError(
                f"max_points ({self.max_points}) is below points_each ({self.points_each})"
            )
        return self


class InteractionTable(_Table):
    name: Text = UNANSWERED_NAME
    unanswered_after_months: PositiveInteger = 3
    warn_days_before: PositiveInteger = 14
    slow_replies: SlowRepliesTable = SlowRepliesTable()

    def rules(self) -> InteractionRules:
        slow = self.slow_replies
        return InteractionRules(
            name=self.name,
            unanswered_after_months=self.unanswered_after_months,
            warn_days_before=self.warn_days_before,
            slow_name=slow.name,
            reply_within_working_days=slow.reply_within_working_days,
            points_each=Decimal(str(slow.points_each)),
            max_points=Decimal(str(slow.max_points)),
        )


@dataclass(frozen=True)
class InteractionRules:
    """What the interaction indicators need: the veto's ages and the slow-reply deduction."""

    name: str = UNANSWERED_NAME
    unanswered_after_months: int = 3
    warn_days_before: int = 14
    slow_name: str = SLOW_NAME
    reply_within_working_days: int = 5
    points_each: Decimal = Decimal("0.5")
    max_points: Decimal = Decimal("5")

    def policy_rows(self) -> list[tuple[str, str]]:
        return [
            (
                "interaction.unanswered_after_months",
                f"veto: a letter unanswered {self.unanswered_after_months} calendar months, or a "
                f"consultation column without a usable form; warning "
                f"{self.warn_days_before} days before",
            ),
            (
                "interaction.slow_replies",
                f"a reply after more than {self.reply_within_working_days} working days: "
                f"{_number(self.points_each)} points each, at most {_number(self.max_points)}",
            ),
        ]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")
