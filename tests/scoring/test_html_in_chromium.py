"""The HTML report renders in headless Chromium: the chart and tables paint, nothing is fetched."""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from tests.scoring import scenario

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.slow


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG, without an imaging library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, width, height = 8, b"", 0, 0
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunk = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        offset += 12 + length
    return width, height, zlib.decompress(idat)


def test_html_report_renders_in_headless_chromium(sqlite_url: str, tmp_path: Path):
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("/usr/bin/chromium is required under CI=true")
        pytest.skip("/usr/bin/chromium is not installed on this machine")
    scenario.build(sqlite_url)
    report = tmp_path / "2012-03.html"
    result = CliRunner().invoke(
        cli,
        [
            "monthly-report",
            "--month",
            "2012-03",
            "--cutoff",
            scenario.CUTOFF,
            "--format",
            "html",
            "-o",
            str(report),
        ],
        env={"EGOV_DATABASE_URL": sqlite_url},
    )
    assert result.exit_code == 0, result.output

    dom = _chromium(tmp_path / "profile-dom", "--dump-dom", report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    # three departments: a posts bar and a quota bar each, inside the rendered SVG
    assert dom.stdout.count('<g class="bar">') == 3
    assert "市发改委" in dom.stdout and "6/12" in dom.stdout

    shot = tmp_path / "shot.png"
    painted = _chromium(
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1200,1600",
        report.as_uri(),
    )
    assert painted.returncode == 0, painted.stderr[-2000:]
    width, height, pixels = _png_pixels(shot)
    assert (width, height) == (1200, 1600)
    # a blank page has one colour; text, tables and bars give many distinct byte values
    assert len(set(pixels[: 1200 * 4 * 400])) > 50
