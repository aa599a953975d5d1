"""The early warnings (预警) in the console: today's findings, what was sent to whom, the targets.

The findings are those ``scoring warnings send`` would deliver today (:func:`scan`); the
deliveries are the stored ones; targets are listed by name and service, never their URLs,
which carry secrets. The national rules and the targets file are the ones of the settings the
console was created with.
"""

from __future__ import annotations

from sqlalchemy import select
from starlette.responses import Response

from db.models import WarningDelivery
from scoring.assessment.periods import SHANGHAI
from scoring.console.accounts import ALL_DEPARTMENTS
from scoring.console.routing import Ctx, page
from scoring.warnings.findings import scan

SHOWN_DELIVERIES = 300


def warnings_page(ctx: Ctx) -> Response:
    state = ctx.request.app.state
    today = ctx.now.astimezone(SHANGHAI).date()
    found = scan(ctx.db, ctx.rules, state.national_rules, today)
    deliveries = list(
        ctx.db.scalars(
            select(WarningDelivery).order_by(WarningDelivery.id.desc()).limit(SHOWN_DELIVERIES)
        )
    )
    config = state.notify_config
    return ctx.render(
        "warnings.html",
        today=today,
        findings=found.findings,
        notes=found.notes,
        deliveries=deliveries,
        targets=sorted(config.targets.values(), key=lambda t: t.name) if config else [],
        config=config,
    )


ROUTES = [page("/warnings", warnings_page, ALL_DEPARTMENTS)]
