"""Read a test database the way the product counts: shared by the crawl and reliability tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.engine import make_engine, session_scope
from db.models import CrawlRun, Department, PortalPost
from db.registry import import_registry, load_registry
from scoring.assessment.disclosure_checks import STATUSES, DocumentVerdict, judge_disclosure


def with_registry(url: str) -> str:
    """Import the department registry into the migrated database at ``url``."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_registry(session, load_registry())
    engine.dispose()
    return url


def counted(url: str) -> dict[tuple[str, str], int]:
    """Return COUNT(DISTINCT identity_key) per (department, month), as scoring counts them."""
    return {
        (name, month): count
        for name, month, count in query(
            url,
            select(
                Department.short_name,
                PortalPost.published_month,
                func.count(func.distinct(PortalPost.identity_key)),
            )
            .join(Department, Department.id == PortalPost.department_id)
            .where(PortalPost.attribution == "department")
            .group_by(Department.short_name, PortalPost.published_month),
        )
    }


def query(url: str, statement: Any) -> list[Any]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = list(session.execute(statement).all())
    engine.dispose()
    return rows


def scalar(url: str, statement: Any) -> Any:
    engine = make_engine(url)
    with session_scope(engine) as session:
        value = session.scalar(statement)
    engine.dispose()
    return value


def last_run(url: str) -> CrawlRun:
    """The newest crawl run, detached from its session."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None, "no crawl run was recorded"
        session.expunge(run)
    engine.dispose()
    return run


def document_verdicts(
    session: Session, *, department_id: int | None = None, **judged: Any
) -> list[DocumentVerdict]:
    """Every document signed in [start, end] with its verdict, as the assessment judges them."""
    departments = None if department_id is None else [department_id]
    return list(
        judge_disclosure(session, departments=departments, list_statuses=STATUSES, **judged).listed
    )
