"""Helpers for the public-site tests: `ddor serve`'s app on 127.0.0.1, console watching, axe."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def app_server(settings, db, site_dir: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """`ddor serve`'s own app (security headers and CSP included) under uvicorn on 127.0.0.1."""
    import socket

    import uvicorn

    from ddor_watch.monitor.web_app import web_app
    from ddor_watch.publish.web_server import guarded_protocol

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(web_app(settings, db, site_dir), host="127.0.0.1", port=port,
                                          http=guarded_protocol(10.0, 50, ()), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Collects what the browser reports as refused or broken: CSP violations, page errors."""
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text) if message.type in ("error", "warning")
            and ("Content Security Policy" in message.text or "Refused" in message.text) else None)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def serious_violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's violations of impact serious or critical on the loaded page."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in found
            if v.get("impact") in ("serious", "critical")]
