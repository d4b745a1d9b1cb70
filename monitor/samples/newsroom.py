"""A replica of ICE's newsroom, generated and served on 127.0.0.1 by a real HTTP server.

Drupal-like listing (`?page=N`, `rel="next"`), release pages, a report landing page, PDFs
with ETag / Last-Modified and 304 answers, robots.txt, noise links (scripts, mail, fragments,
off-site, robots-forbidden), a request log, and fault injection per path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import ParseResult, parse_qs, urlparse

UNRELATED = (
    "ICE arrests 12 in operation targeting human smuggling network",
    "ICE removes fugitive wanted for homicide in Guatemala",
    "HSI seizes counterfeit goods worth $2 million at port of entry",
    "ICE announces new detention standards review",
    "ERO Houston removes convicted sex offender to Honduras",
    "HSI investigation leads to guilty plea in visa fraud scheme",
    "ICE hosts community town hall in Phoenix",
)


@dataclass
class Release:
    slug: str
    title: str
    date: dt.date
    pdf: str | None = None


@dataclass
class Served:
    method: str
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class ReplicaSite:
    # drupal | plain | minimal. "minimal" has a numbered pager only, release titles without
    # the series name's usual words, and PDFs with generic names and link text.
    markup: str = "drupal"
    per_page: int = 5
    releases: list[Release] = field(default_factory=list)
    pdfs: dict[str, tuple[bytes, dt.datetime]] = field(default_factory=dict)
    faults: dict[str, str] = field(default_factory=dict)
    arrivals: Counter[str] = field(default_factory=Counter)
    # Extra paths that serve another path's content (where a redirect lands).
    aliases: dict[str, str] = field(default_factory=dict)
    log: list[Served] = field(default_factory=list)
    landing_links: bool = True
    # Releases link the PDF ("pdf") or only the series' landing page ("landing").
    release_links: str = "pdf"
    landing_path: str = "/declined-detainer-outcome-report"
    # Other pages this server answers (path -> (HTML, last modified)), e.g. jurisdiction lists.
    pages: dict[str, tuple[str, dt.datetime]] = field(default_factory=dict)
    # Files it serves (path -> (bytes, content type, last modified)), e.g. 287(g) workbooks.
    files: dict[str, tuple[bytes, str, dt.datetime]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        base = dt.date(2017, 1, 2)
        for i, title in enumerate(UNRELATED * 2):
            self.releases.append(Release(f"release-{i}", title, base + dt.timedelta(days=3 * i)))
        self._lock = threading.Lock()

    def pdf_path(self, filename: str) -> str:
        if self.markup == "minimal":
            return f"/sites/default/files/2017-03/weekly-{filename.removesuffix('.pdf')[-5:]}.pdf"
        return f"/doclib/ddor/{filename}"

    def add_report(self, filename: str, data: bytes, period_text: str, published: dt.date) -> None:
        path = self.pdf_path(filename)
        self.put_pdf(filename, data)
        slug = "ice-releases-declined-detainer-outcome-report-" + filename.removesuffix(".pdf").replace("_", "-")
        title = (f"ICE lists jurisdictions that declined detainers, {period_text}" if self.markup == "minimal"
                 else f"ICE releases Declined Detainer Outcome Report for {period_text}")
        if not any(r.slug == slug for r in self.releases):
            self.releases.append(Release(slug, title, published, path))

    def put_pdf(self, filename: str, data: bytes) -> None:
        path = self.pdf_path(filename)
        previous = self.pdfs.get(path)
        stamp = dt.datetime(2017, 3, 20, tzinfo=dt.UTC)
        if previous is not None:
            stamp = previous[1] + dt.timedelta(days=1)
        self.pdfs[path] = (data, stamp)

    def requests_to(self, prefix: str) -> list[Served]:
        return [s for s in self.log if s.path.startswith(prefix)]

    # -- pages ----------------------------------------------------------------------------------
    def _listing(self, page: int) -> str:
        ordered = sorted(self.releases, key=lambda r: (r.date, r.slug), reverse=True)
        chunk = ordered[page * self.per_page:(page + 1) * self.per_page]
        more = (page + 1) * self.per_page < len(ordered)
        if self.markup == "drupal":
            rows = "".join(
                f'<div class="views-row"><article class="node--type-news-release"><h2 class="node__title">'
                f'<a href="/news/releases/{r.slug}" hreflang="en">{html.escape(r.title)}</a></h2>'
                f'<time datetime="{r.date.isoformat()}">{r.date:%B %d, %Y}</time></article></div>' for r in chunk)
            pager = (f'<nav class="pager"><ul><li class="pager__item pager__item--next"><a href="?page={page + 1}" '
                     f'rel="next" title="Go to next page"><span>Next page</span> ›</a></li></ul></nav>'
                     if more else "")
            body = f'<div class="view-content">{rows}</div>{pager}'
        elif self.markup == "plain":
            rows = "".join(f"<tr><td>{r.date:%m/%d/%Y}</td><td><a href='/news/releases/{r.slug}'>"
                           f"{html.escape(r.title)}</a></td></tr>" for r in chunk)
            pager = f"<p><a href='/news/releases?page={page + 1}'>Older</a></p>" if more else ""
            body = f"<table>{rows}</table>{pager}"
        else:
            rows = "".join(f"<li><a href='/news/releases/{r.slug}'>{html.escape(r.title)}</a> "
                           f"<span>{r.date:%d.%m.%Y}</span></li>" for r in chunk)
            pages = (len(ordered) + self.per_page - 1) // self.per_page
            pager = " ".join(f"<a href='?page={n}'>{n + 1}</a>" for n in range(pages) if n != page)
            body = f"<ul>{rows}</ul><div>{pager}</div>"
        return self._frame("News Releases", body)

    def _frame(self, title: str, body: str) -> str:
        return (f"<!DOCTYPE html><html><head><title>{title} | ICE</title></head><body>"
                f'<a href="#main-content">Skip to main content</a><a href="javascript:void(0)">Menu</a>'
                f'<main id="main-content"><h1>{title}</h1>{body}</main>'
                f'<footer><a href="mailto:press@example.invalid">Contact</a> '
                f'<a href="https://www.dhs.gov/declined-detainer-report.pdf">DHS Declined Detainer page</a>'
                f"</footer></body></html>")

    def _release(self, slug: str) -> str | None:
        release = next((r for r in self.releases if r.slug == slug), None)
        if release is None:
            return None
        text = "Download (PDF)" if self.markup == "minimal" else "Declined Detainer Outcome Report (PDF)"
        if release.pdf and self.release_links == "landing":
            link = (f'<p>The reports are published on the <a href="{self.landing_path}">Declined Detainer '
                    f'Outcome Report</a> page.</p>')
        else:
            link = (f'<p>Read the <a href="{release.pdf}">{text}</a>.</p>'
                    if release.pdf else "<p>More information will follow.</p>")
        return self._frame(html.escape(release.title),
                           f"<p>WASHINGTON — {release.date:%B %d, %Y}.</p>{link}")

    def _landing(self) -> str:
        items = "".join(
            f'<li><a href="{path}">Declined Detainer Outcome Report {html.escape(path.rsplit("/", 1)[1])}</a></li>'
            for path in sorted(self.pdfs)) if self.landing_links else ""
        if self.landing_links:
            items += '<li><a href="/private/ddor2017_internal.pdf">Declined Detainer draft</a></li>'
        return self._frame("Declined Detainer Outcome Report", f"<ul>{items}</ul>")

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        path = url.path
        fault = next((f for prefix, f in self.faults.items() if path.startswith(prefix)), None)
        with self._lock:
            self.arrivals[path] += 1   # counted on arrival: a slow answer is logged only when it ends
        status = 0   # the client hung up before an answer (it timed out)
        try:
            status = self._respond(handler, url, path, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.log.append(Served(handler.command, handler.path, dict(handler.headers.items()), status))

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str,
              headers: dict[str, str] | None = None) -> int:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)
        return status

    def _conditional(self, handler: BaseHTTPRequestHandler, body: bytes, ctype: str, modified: dt.datetime) -> int:
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
        if handler.headers.get("If-None-Match") == etag:
            return self._send(handler, 304, b"", ctype, headers)
        since = handler.headers.get("If-Modified-Since")
        if since and not handler.headers.get("If-None-Match"):
            try:
                if modified <= parsedate_to_datetime(since):
                    return self._send(handler, 304, b"", ctype, headers)
            except (TypeError, ValueError):
                pass
        return self._send(handler, 200, body, ctype, headers)

    def _respond(self, handler: BaseHTTPRequestHandler, url: ParseResult, path: str, fault: str | None) -> int:
        # Faults a hostile or broken server shows: "redirect:<location>", "retry-after:<seconds>",
        # "page:<html>" (any page in place of the real one), "status:<code>", plus those below.
        kind, _, value = (fault or "").partition(":")
        if kind == "redirect":
            return self._send(handler, 302, b"", "text/html", {"Location": value})
        if kind == "retry-after":
            return self._send(handler, 429, b"Too Many Requests", "text/plain", {"Retry-After": value})
        if kind == "page":
            return self._send(handler, 200, value.encode(), "text/html; charset=utf-8")
        if kind == "status":
            return self._send(handler, int(value), b"Gone", "text/plain")
        if path in self.aliases:
            path = self.aliases[path]
        if fault == "500":
            return self._send(handler, 500, b"Internal Server Error", "text/plain")
        if fault == "429":
            return self._send(handler, 429, b"Too Many Requests", "text/plain", {"Retry-After": "1"})
        if fault and fault.startswith("slow:"):
            time.sleep(float(fault.split(":", 1)[1]))
        if fault == "huge":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/pdf")
            handler.send_header("Content-Length", str(200 * 2**20))
            handler.end_headers()
            try:
                handler.wfile.write(b"%PDF-1.4\n")
                chunk = b"\0" * 65536
                for _ in range(200 * 16):
                    handler.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return 200
        if fault == "html":
            return self._send(handler, 200, b"<html><body>Page moved</body></html>", "text/html")
        if path == "/robots.txt":
            return self._send(handler, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path == "/news/releases":
            page = int(parse_qs(url.query).get("page", ["0"])[0])
            body = self._listing(page).encode()
            return self._conditional(handler, body, "text/html; charset=utf-8", dt.datetime(2017, 4, 1, tzinfo=dt.UTC))
        if path.startswith("/news/releases/"):
            page_html = self._release(path.rsplit("/", 1)[1])
            if page_html is None:
                return self._send(handler, 404, b"Not found", "text/plain")
            return self._conditional(handler, page_html.encode(), "text/html; charset=utf-8",
                                     dt.datetime(2017, 4, 1, tzinfo=dt.UTC))
        if path == self.landing_path:
            return self._conditional(handler, self._landing().encode(), "text/html; charset=utf-8",
                                     dt.datetime(2017, 4, 1, tzinfo=dt.UTC))
        if path in self.pages:
            body_html, modified = self.pages[path]
            return self._conditional(handler, body_html.encode(), "text/html; charset=utf-8", modified)
        if path in self.files:
            data, ctype, modified = self.files[path]
            return self._conditional(handler, data, ctype, modified)
        if path in self.pdfs:
            data, modified = self.pdfs[path]
            return self._conditional(handler, data, "application/pdf", modified)
        return self._send(handler, 404, b"Not found", "text/plain")


class ReplicaServer:
    """`with ReplicaServer(site) as server: server.url` — a real HTTP server on 127.0.0.1."""

    def __init__(self, site: ReplicaSite, port: int = 0) -> None:
        self.site = site
        self.port = port
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def start_urls(self) -> list[str]:
        return [f"{self.url}/news/releases"]

    @property
    def landing_urls(self) -> list[str]:
        return [f"{self.url}/declined-detainer-outcome-report"]

    def start(self) -> ReplicaServer:
        site = self.site

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                site.respond(self)

            do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients hanging up mid-response (size limits, timeouts) are expected here

        self._server = Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
