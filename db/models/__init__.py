"""All tables of the evidence database, importable from one place."""

from db.models.base import Base, UTCDateTime, utcnow
from db.models.crawling import (
    CrawlColumnResult,
    CrawlLock,
    CrawlRun,
    FetchedPage,
    PageBody,
    QuarantinedItem,
    Site,
    SiteColumn,
)
from db.models.evidence import DisclosureDocument, PortalPost, PostListing
from db.models.register import NondisclosureExplanation, SignedDocument
from db.models.registry import Department, DepartmentAlias, ExternalSource, UnresolvedName
from db.models.scores import ManualScore, ScoreRun

__all__ = [
    "Base",
    "CrawlColumnResult",
    "CrawlLock",
    "CrawlRun",
    "Department",
    "DepartmentAlias",
    "DisclosureDocument",
    "ExternalSource",
    "FetchedPage",
    "ManualScore",
    "NondisclosureExplanation",
    "PageBody",
    "PortalPost",
    "PostListing",
    "QuarantinedItem",
    "ScoreRun",
    "SignedDocument",
    "Site",
    "SiteColumn",
    "UTCDateTime",
    "UnresolvedName",
    "utcnow",
]
