"""Every page type of the public site in Chromium, served by `ddor serve`'s own app (its CSP
and headers included), at desktop and phone width: axe finds nothing serious, nothing scrolls
sideways, the browser refuses nothing. With UPDATE_SCREENSHOTS=1 it also rewrites the README's
screenshots in bench/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from site_support import CHROMIUM, app_server, serious_violations, watch_console

from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.agreements import PAGE_PATH, demo_updates, publish
from ddor_watch.monitor.samples.list_pages import DOJ_AUGUST_2025, DOJ_PATH, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.site_data import build
from publish_support import store_series

SCREENSHOTS = Path(__file__).resolve().parents[1] / "bench" / "screenshots"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium on this machine")
@pytest.mark.parametrize(("language", "folder_", "subscribe"), [("en", "", "Subscribe"), ("es", "es/", "Suscribirse")])
def test_every_page_type_passes_axe_and_the_csp_at_desktop_and_phone_width(  # type: ignore[no-untyped-def]
        language: str, folder_: str, subscribe: str, config, db, data_dir, tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    cfg = config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=5,
                                sources="ddor,doj-list,ice-287g", contact="newsroom@example.org")
    store_series(db, data_dir, tmp_path, steps=3)
    site = ReplicaSite()
    site.pages[DOJ_PATH] = (doj_page(DOJ_AUGUST_2025), dt.datetime(2025, 8, 5, tzinfo=dt.UTC))
    first, second = demo_updates()
    publish(site, first)
    with ReplicaServer(site) as server:
        for name, path in (("doj-list", DOJ_PATH), ("ice-287g", PAGE_PATH)):
            run_check(cfg, db, [f"{server.url}{path}"], publish=False, only=name)
        revised = replace(DOJ_AUGUST_2025, cities=(*DOJ_AUGUST_2025.cities, "Trenton City, NJ"))
        site.pages[DOJ_PATH] = (doj_page(revised.without("Boston City, MA")), dt.datetime(2025, 8, 12, tzinfo=dt.UTC))
        publish(site, second, base_url=server.url)
        for name, path in (("doj-list", DOJ_PATH), ("ice-287g", PAGE_PATH)):
            run_check(cfg, db, [f"{server.url}{path}"], publish=False, only=name)
    folder = build(cfg, db).folder
    pages = {"home": "index.html", "report": "reports/2017-02-10-r1/index.html",
             "jurisdiction": "jurisdictions/48453.html", "list-only place": "jurisdictions/nj-trenton-city.html",
             "jurisdictions": "jurisdictions/index.html", "about": "about.html", "source": "sources/doj-list.html",
             "agreements": "agreements/index.html", "agency": "agreements/fl-fort-myers-police-department.html",
             "corrections": "agreements/corrections.html"}
    assert all((folder / path).is_file() for path in pages.values()), pages
    with app_server(cfg, db, folder) as url, sync_playwright() as p:
        feed = httpx.get(f"{url}/feeds/reports.atom")
        assert feed.headers["content-type"] == "application/atom+xml; charset=utf-8"
        assert httpx.get(f"{url}/favicon.svg").status_code == 200
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            for width in (1200, 390):
                view = browser.new_page(viewport={"width": width, "height": 900})
                refused = watch_console(view)
                for label, path in pages.items():
                    view.goto(f"{url}/{folder_}{path}")
                    assert view.evaluate("document.documentElement.lang") == language, (label, language)
                    assert serious_violations(view) == [], (label, language, width)
                    assert view.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (label, width)
                    assert view.get_by_role("link", name=subscribe).count() == 1, (label, language)
                    if os.environ.get("UPDATE_SCREENSHOTS") and label in ("home", "jurisdiction", "about") \
                            and language == "en":
                        view.screenshot(path=str(SCREENSHOTS / f"{label}-{width}.png"), full_page=width == 390)
                assert refused == [], width
                view.close()
            # The language switch leads each page to its counterpart and back; every link of a
            # Spanish page resolves (data files live once, in the English tree).
            view = browser.new_page()
            for path in pages.values() if language == "es" else ():
                view.goto(f"{url}/es/{path}")
                view.get_by_role("link", name="English").click()
                assert view.url == f"{url}/{path}", path
                view.get_by_role("link", name="Español").click()
                assert view.url == f"{url}/es/{path}", path
                hrefs = view.eval_on_selector_all("a[href], img[src], link[href]",
                                                  "nodes => nodes.map(n => n.href || n.src)")
                local = {h.split("#")[0] for h in hrefs if h.startswith(url) and "/subscribe" not in h}
                broken = [h for h in local if httpx.get(h).status_code != 200]
                assert broken == [], (path, broken)
            view.close()
        finally:
            browser.close()
    about = (folder / "about.html").read_text()
    assert "newsroom@example.org" in about and "data/list-changes.csv" in about
    source = (folder / "sources" / "doj-list.html").read_text()
    assert "1 added, 1 removed" in source and "Lists 34 entries as of" in source
    if language != "es":
        return
    feed = (folder / "feeds" / "es" / "reports.atom").read_text()
    assert "<language>es</language>" in feed or 'xml:lang="es"' in feed
    assert "«Declined Detainer Outcome Report» de ICE del 4–10 de febrero de 2017" in " ".join(feed.split())
    spanish = (folder / "es" / "reports" / "2017-02-10-r1" / "index.html").read_text()
    assert 'href="../../../feeds/es/reports.atom"' in spanish
    assert '<link rel="alternate" hreflang="en" href="../../../reports/2017-02-10-r1/index.html">' in spanish
    assert "detainers rechazados" in spanish and "4–10 de febrero de 2017" in spanish
    fuente = (folder / "es" / "sources" / "doj-list.html").read_text()
    assert "añadidas: 1, retiradas: 1" in fuente and "Enumera 34 entradas al" in fuente


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium on this machine")
def test_the_html_digest_fits_a_phone_and_its_map_is_light(config, db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright
    from sqlalchemy import select

    from ddor_watch.db.models import MessageRow
    from ddor_watch.publish.map import DIGEST_MAX_BYTES
    from ddor_watch.publish.outbox import enqueue_report

    ids = store_series(db, data_dir, tmp_path, steps=2)
    enqueue_report(config.data, db, ids[1], include_silent=True)
    with db.session() as session:
        digest = session.scalar(select(MessageRow).where(MessageRow.channel == "email"))
        assert digest is not None and digest.html and digest.image_path
        html, image = digest.html, config.data.root / digest.image_path
    assert image.stat().st_size <= DIGEST_MAX_BYTES
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            phone = browser.new_page(viewport={"width": 390, "height": 800})
            phone.set_content(html)
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll"
        finally:
            browser.close()
