"""All tables of the evidence database, importable from one place."""

from db.models.base import Base, UTCDateTime, utcnow
from db.models.console import AuditEvent, ConsoleUser, LoginAttempt, ReviewItem
from db.models.console_sessions import ConsoleSession
from db.models.crawling import (
    ColumnWalkPage,
    CrawlColumnResult,
    CrawlLock,
    CrawlRun,
    FetchedPage,
    PageBody,
    QuarantinedItem,
    RequestFailure,
    Site,
    SiteColumn,
)
from db.models.evidence import DisclosureDocument, PortalPost, PostListing
from db.models.inspection import (
    LinkCheck,
    LinkCheckRun,
    ProbeResult,
    WarningDelivery,
)
from db.models.rectification import (
    Rectification,
    RectificationAnswer,
    RectificationAttachment,
    RectificationState,
)
from db.models.register import NondisclosureExplanation, SignedDocument
from db.models.registry import Department, DepartmentAlias, ExternalSource, UnresolvedName
from db.models.scores import ManualScore, ScoreRun

__all__ = [
    "AuditEvent",
    "Base",
    "ColumnWalkPage",
    "ConsoleSession",
    "ConsoleUser",
    "CrawlColumnResult",
    "CrawlLock",
    "CrawlRun",
    "Department",
    "DepartmentAlias",
    "DisclosureDocument",
    "ExternalSource",
    "FetchedPage",
    "LinkCheck",
    "LinkCheckRun",
    "LoginAttempt",
    "ManualScore",
    "NondisclosureExplanation",
    "PageBody",
    "PortalPost",
    "PostListing",
    "ProbeResult",
    "QuarantinedItem",
    "Rectification",
    "RectificationAnswer",
    "RectificationAttachment",
    "RectificationState",
    "RequestFailure",
    "ReviewItem",
    "ScoreRun",
    "SignedDocument",
    "Site",
    "SiteColumn",
    "UTCDateTime",
    "UnresolvedName",
    "WarningDelivery",
    "utcnow",
]
