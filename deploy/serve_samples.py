"""Serve the sample JPaaS portal and xxgk disclosure platform on 127.0.0.1 for deploy/check.sh.

The stack's containers share the host's network, so a crawler inside them reaches these
servers as it would reach a real government site, and ``sites discover`` onboards them from
their own pages (as tests/layouts/test_onboarding.py does). The first line printed is JSON:
the URLs and each sample's truth (posts, documents), for the check to compare with what the
stack stored; ``--posts`` writes every article's path. ``--delay`` slows every answer so that
a crawl is still running when the check restarts the stack under it.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
from pathlib import Path

from samplesites.jpaas_portal import SampleJpaasPortal
from samplesites.server import Handler, LocalServer, Request, Response
from samplesites.xxgk_platform import SampleXxgkPlatform


def slowed(handler: Handler, delay: float) -> Handler:
    """The same site, answering each request ``delay`` seconds late."""

    def answer(request: Request) -> Response:
        time.sleep(delay)
        return handler(request)

    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--portal-port", type=int, default=18012)
    parser.add_argument("--disclosure-port", type=int, default=18013)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds added to each answer")
    parser.add_argument("--posts", type=Path, help="write the portal's article paths here")
    args = parser.parse_args()
    portal = SampleJpaasPortal()
    platform = SampleXxgkPlatform()
    if args.posts:
        args.posts.write_text("".join(f"{path}\n" for path in sorted(p.path for p in portal.posts)))
    servers = [
        LocalServer(slowed(portal, args.delay), port=args.portal_port).start(),
        LocalServer(slowed(platform, args.delay), port=args.disclosure_port).start(),
    ]
    print(
        json.dumps(
            {
                "portal": servers[0].url,
                "disclosure": servers[1].url,
                "portal_posts": len(portal.posts),
                "disclosure_documents": len(platform.truth),
            }
        ),
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()
