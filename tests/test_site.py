"""The public site: `ddor site build` from the demo's history, read as files and in Chromium."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from site_support import CHROMIUM, app_server, serious_violations, watch_console

from ddor_watch.monitor.site_data import build, site_reports
from ddor_watch.publish.outbox import enqueue_report
from ddor_watch.publish.site import build_site
from publish_support import store_series

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = Path(__file__).parent / "schema" / "ddor-report.schema.json"


@pytest.fixture(scope="module")
def history(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo's four reports (three weeks and a correction), with maps, and a built site."""
    from ddor_watch.db.session import open_database
    from ddor_watch.monitor.config import load_config

    root = tmp_path_factory.mktemp("site")
    data = root / "data"
    data.mkdir()
    db = open_database(f"sqlite:///{root / 'site.sqlite'}")
    ids = store_series(db, data, root, steps=4)
    settings = load_config(environ={"DDOR_DATA_DIR": str(data)}, read_default_file=False)
    for report_id in ids[1:]:
        enqueue_report(settings.data, db, report_id, include_silent=True)
    site = root / "site"
    build(settings, db, site)
    yield settings, db, site
    db.engine.dispose()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_history_builds_byte_identical_sites(history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, db, site = history
    again = tmp_path / "again"
    build(settings, db, again)
    first, second = _files(site), _files(again)
    assert first == second
    assert {"index.html", "site.css", "jurisdictions/index.html", "feeds/reports.atom", "feeds/corrections.atom",
            "feeds/state/NV.atom", "reports/2017-02-10-r1/index.html", "reports/2017-02-10-r1/report.csv",
            "reports/2017-02-10-r1/report.json", "reports/2017-02-10-r1/map.png",
            "jurisdictions/32003.html"} <= set(first)


def test_a_report_page_shows_rows_with_their_pages_the_source_and_the_accounting(history) -> None:  # type: ignore[no-untyped-def]
    _settings, _db, site = history
    page = (site / "reports" / "2017-02-10-r1" / "index.html").read_text()
    assert "https://www.ice.gov/doclib/ddor/ddor2017_02-04to02-10.pdf" in page
    sha = next(p.stem for p in (site / "reports" / "2017-02-10-r1").glob("*.pdf"))
    assert f'href="{sha}.pdf"' in page and sha in page
    assert "<th scope=\"col\" class=\"num\">PDF page</th>" in page
    assert "Newly listed in Section II (declined detainers): Cook County, IL (2)" in page
    assert "Left the top ten: Nassau County, NY, was rank 2" in page
    assert "in table cells" in page and "No parser warnings." in page
    assert 'alt="Map of US counties' in page


def test_a_correction_links_the_revision_it_replaces_and_the_old_one_points_forward(history) -> None:  # type: ignore[no-untyped-def]
    _settings, _db, site = history
    corrected = (site / "reports" / "2017-02-03-r2" / "index.html").read_text()
    old = (site / "reports" / "2017-02-03-r1" / "index.html").read_text()
    assert corrected.count("Corrected: ") >= 2 and 'href="../2017-02-03-r1/index.html"' in corrected
    assert "Franklin County, IA: 2 to 0 declined detainers" in corrected
    assert 'href="../2017-02-03-r2/index.html"' in old and "see the current revision" in old


def test_downloads_are_the_stored_rows_in_csv_and_the_parse_schema(history) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    settings, db, site = history
    folder = site / "reports" / "2017-02-10-r1"
    document = json.loads((folder / "report.json").read_text())
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    rows = list(csv.DictReader(io.StringIO((folder / "report.csv").read_text())))
    assert len(rows) == (len(document["top_jurisdictions"]) + len(document["declined_detainers"])
                         + len(document["policies"]))
    declined = [r for r in rows if r["section"] == "II"]
    assert [(r["jurisdiction"], r["page"]) for r in declined] == [
        (d["county"], str(d["page"])) for d in document["declined_detainers"]]


def test_feeds_are_valid_atom_all_reports_corrections_and_per_state(history) -> None:  # type: ignore[no-untyped-def]
    _settings, _db, site = history

    def entries(name: str) -> list[ET.Element]:
        root = ET.fromstring((site / "feeds" / name).read_bytes())
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None, required
        found = root.findall(f"{ATOM}entry")
        for entry in found:
            for required in ("id", "title", "updated", "link"):
                assert entry.find(f"{ATOM}{required}") is not None, required
        return found

    assert len(entries("reports.atom")) == 4
    corrections = entries("corrections.atom")
    assert len(corrections) == 1 and corrections[0].findtext(f"{ATOM}title", "").startswith("Correction: ")
    assert len(entries("state/IL.atom")) == 1      # Cook County is listed in week 2 only


def test_text_from_a_pdf_is_escaped_on_every_page(history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, db, _site = history
    reports = site_reports(settings, db)
    hostile = "<script>alert(1)</script> County"
    first = reports[-1]
    snap = first.snapshot
    rows = tuple(replace(d, county=hostile, county_fips=None) for d in snap.declined_detainers)
    policies = tuple(replace(p, description='"><img src=x onerror=alert(1)>') for p in snap.policies)
    reports[-1] = replace(first, snapshot=replace(snap, declined_detainers=rows, policies=policies))
    build_site(reports, tmp_path / "site")
    for path in (tmp_path / "site").rglob("*.html"):
        text = path.read_text()
        assert "<script>" not in text and "<img src=x" not in text, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt; County" in (tmp_path / "site" / "reports" / first.slug
                                                               / "index.html").read_text()


def test_a_failed_build_leaves_the_previous_site_whole(history, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ddor_watch.publish.site as site_module

    settings, db, site = history
    target = tmp_path / "live"
    build(settings, db, target)
    before = _files(target)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(site_module, "_csv", broken)
    with pytest.raises(OSError):
        build(settings, db, target)
    assert _files(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["live"], "no half-written folder left behind"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium on this machine")
def test_the_site_in_chromium_links_downloads_accessibility_and_phone_width(history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    settings, db, site = history
    with app_server(settings, db, site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, accept_downloads=True)
            refused = watch_console(page)
            page.goto(f"{url}/index.html")
            assert serious_violations(page) == [], "home"
            page.get_by_role("link", name="Feb 4 – 10, 2017").first.click()
            assert page.url.endswith("/reports/2017-02-10-r1/index.html")
            assert page.get_by_role("heading", level=1).inner_text().startswith("ICE's Declined Detainer")
            assert serious_violations(page) == [], "report"
            with page.expect_download() as download:
                page.get_by_role("link", name="CSV").click()
            saved = tmp_path / "report.csv"
            download.value.save_as(saved)
            assert saved.read_text().startswith("section,rank,state,jurisdiction")
            page.get_by_role("link", name="Travis County").first.click()
            assert page.url.endswith("/jurisdictions/48453.html")
            assert "Declined detainers listed (Section II)" in page.content()
            assert page.evaluate("Math.min(...[...document.querySelectorAll('.chart .bar')]"
                                 ".map(bar => bar.getBoundingClientRect().width))") > 0, "every bar is drawn"
            assert serious_violations(page) == [], "jurisdiction"
            assert refused == [], "nothing the served CSP refuses"
            phone = browser.new_page(viewport={"width": 360, "height": 740})
            for path in ("index.html", "reports/2017-02-10-r1/index.html", "jurisdictions/48453.html"):
                phone.goto(f"{url}/{path}")
                assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
            phone.screenshot(path=str(tmp_path / "phone.png"))
        finally:
            browser.close()
