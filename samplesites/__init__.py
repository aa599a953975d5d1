"""Sample sites on 127.0.0.1: a Hanweb-style portal and a TRS-style disclosure platform.

They serve generated but realistic pages, for the test suite and for the end-to-end demo, and
are the worked example a newcomer reads before writing a site profile for a real portal. Their
profiles (``sample-portal.toml``, ``sample-disclosure.toml``, ``sample-inspect.toml``) live
here, beside the sites, not among the profiles of real sites that the nightly jobs crawl.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_PROFILES_DIR = Path(__file__).resolve().parent


def sample_profile(key: str) -> str:
    """Return the path of the sample profile ``key``, as ``-a site=`` and ``load_profile`` take."""
    return str(SAMPLE_PROFILES_DIR / f"{key}.toml")
