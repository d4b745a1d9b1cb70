"""The public site: a static, deterministic rendering of the history (`ddor site build`).

Home, one page per report revision, one page per jurisdiction, CSV and JSON downloads and
Atom feeds, rendered with Jinja2 from plain values the monitor hands over. The same history
gives byte-identical files: everything is sorted and no clock is read. The site is written to
a fresh folder beside the target and swapped in whole, so a failed build leaves the previous
site as it was.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from feedgen.feed import FeedGenerator

from ddor_watch.db.csv_text import csv_text
from ddor_watch.db.lists import bare_name
from ddor_watch.db.records import Change, ChangeKind, ReportSnapshot, WordAccounting
from ddor_watch.db.text import jurisdiction_key
from ddor_watch.publish import i18n
from ddor_watch.publish.context import ReportContext, period_text
from ddor_watch.publish.i18n import Phrase
from ddor_watch.publish.render import render
from ddor_watch.publish.site_agreements import AgencyPage, AgreementSection, AgreementView
from ddor_watch.publish.site_agreements import downloads as agreement_downloads
from ddor_watch.publish.site_agreements import feeds as agreement_feeds
from ddor_watch.publish.site_agreements import view as agreement_view

STYLESHEET = "site.css"
SITE_MARKER = ".ddor-site"     # a folder holding it is a site we built, and may be replaced whole


@dataclass(frozen=True)
class SiteReport:
    """One stored report revision, with everything its page shows."""

    slug: str
    snapshot: ReportSnapshot
    context: ReportContext            # the changes against the report before, as posts tell them
    changes: tuple[Change, ...]
    title: str
    pages: int
    accounting: WordAccounting | None
    parsed_at: dt.datetime
    archive_file: Path | None         # our archived copy of the PDF
    map_file: Path | None
    map_alt: str | None
    schema_json: str                  # the report in the parse schema (ddor-report.schema.json)
    earlier_revision: str | None = None   # a correction: the slug of the revision it replaces
    later_revision: str | None = None     # superseded: the slug of the revision that replaced it
    # The map drawn in other languages, where the outbox drew one: (language, file, alt text).
    translated_maps: tuple[tuple[str, Path, str], ...] = ()

    def map_in(self, language: str) -> tuple[str, str, bool]:
        """(file name on the site, alt text, whether that alt text is English) for a page in
        `language`: its own map when one was drawn, else the English one."""
        for drawn, _file, alt in self.translated_maps:
            if drawn == language:
                return f"map.{drawn}.png", alt, False
        return "map.png", self.map_alt or "", language != i18n.ENGLISH

    @property
    def baseline(self) -> bool:
        """The first report in the history: there is nothing to compare it with."""
        return all(c.kind is ChangeKind.FIRST_REPORT for c in self.changes)

    @property
    def current(self) -> bool:
        return self.later_revision is None

    @property
    def period(self) -> str:
        return period_text(self.snapshot.period_start, self.snapshot.period_end)


@dataclass(frozen=True)
class Listing:
    report: str            # slug
    period: str
    declined: int
    first_page: int
    period_start: dt.date | None = None    # the period as dates, for other languages' wording
    period_end: dt.date | None = None


@dataclass(frozen=True)
class TopEntry:
    report: str
    period: str
    rank: int
    issued: int
    page: int
    period_start: dt.date | None = None    # the period as dates, for other languages' wording
    period_end: dt.date | None = None


@dataclass(frozen=True)
class PolicyEntry:
    report: str
    period: str
    policy_type: str | None
    description: str
    page: int
    period_start: dt.date | None = None    # the period as dates, for other languages' wording
    period_end: dt.date | None = None


@dataclass(frozen=True)
class ListMembership:
    """A place on another source's list, and what holds today: listed since a day, or removed
    (or the page gone) on a day; with every earlier interval for the timeline."""

    slug: str            # the jurisdiction page it belongs on
    name: str            # as the list prints it
    state: str | None
    fips: str | None
    label: Phrase        # "DOJ's sanctuary jurisdiction list"
    since: dt.date       # start of the current (or last) interval
    ended: dt.date | None = None           # None: on the list today
    ended_how: str | None = None           # "removed" | "gone"
    earlier: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def listed_now(self) -> bool:
        return self.ended is None


@dataclass(frozen=True)
class SourcePage:
    """One watched source, for its page and the About page: what it is and how it stands."""

    name: str
    agency: str
    title: str
    start_urls: tuple[str, ...]
    status: Phrase                        # what holds today, in words
    # (when ddor-watch saw it, what changed), newest first
    updates: tuple[tuple[dt.datetime, tuple[Phrase, ...]], ...] = ()
    section: str | None = None            # the site's own section for it ("agreements/index.html")


@dataclass(frozen=True)
class SiteExtras:
    """What the site shows beyond reports: sources, the history as files, who runs it."""

    sources: tuple[SourcePage, ...] = ()
    downloads: tuple[tuple[str, str], ...] = ()    # (relative path, text): the whole history as CSV and JSON
    contact: str = ""
    code_url: str = ""


FAVICON = ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><rect width='16' height='16' rx='3' "
           "fill='#8c2d04'/><path d='M4 4h5a3 3 0 0 1 0 8H4z' fill='#fff'/></svg>\n")


@dataclass
class JurisdictionHistory:
    slug: str
    name: str
    state: str | None
    fips: str | None
    listings: list[Listing] = field(default_factory=list)
    top: list[TopEntry] = field(default_factory=list)
    policies: list[PolicyEntry] = field(default_factory=list)
    lists: list[ListMembership] = field(default_factory=list)

    @property
    def chart(self) -> list[tuple[str, int, float]]:
        """(period, declined, bar width share) per listing, for the small bar chart."""
        most = max((entry.declined for entry in self.listings), default=0) or 1
        return [(entry.period, entry.declined, entry.declined / most) for entry in self.listings]


@dataclass(frozen=True)
class SiteSummary:
    folder: Path
    reports: int
    jurisdictions: int
    files: int


def jurisdiction_slug(state: str | None, name: str | None, fips: str | None) -> str:
    """A page name that stays the same across reports: the county FIPS, else the folded key."""
    if fips:
        return fips
    return re.sub(r"[^a-z0-9]+", "-", jurisdiction_key(state, name, None).lower()).strip("-") or "unknown"


def jurisdictions(reports: list[SiteReport], memberships: tuple[ListMembership, ...] = ()
                  ) -> dict[str, JurisdictionHistory]:
    """Each place's history across the current revision of every report, oldest first, and the
    other sources' lists that name it (places only a list names get a page too)."""
    found: dict[str, JurisdictionHistory] = {}

    def entry(state: str | None, name: str, fips: str | None) -> JurisdictionHistory:
        slug = jurisdiction_slug(state, name, fips)
        return found.setdefault(slug, JurisdictionHistory(slug, name, state, fips))

    for report in reports:
        if not report.current:
            continue
        snap = report.snapshot
        dates = (snap.period_start, snap.period_end)
        for j in snap.jurisdictions:
            entry(j.state, j.name, j.county_fips).listings.append(
                Listing(report.slug, report.period, j.declined, j.first_page, *dates))
        for t in snap.top_jurisdictions:
            entry(t.state, t.jurisdiction, t.county_fips).top.append(
                TopEntry(report.slug, report.period, t.rank, t.detainers_issued, t.page, *dates))
        for p in snap.policies:
            entry(p.state, p.jurisdiction, p.county_fips).policies.append(
                PolicyEntry(report.slug, report.period, p.policy_type, p.description, p.page, *dates))
    for member in memberships:
        # A list prints "Trenton City, NJ": the page's name is the place without its state.
        found.setdefault(member.slug, JurisdictionHistory(member.slug, bare_name(member.name), member.state,
                                                          member.fips)).lists.append(member)
    return dict(sorted(found.items()))


def _csv(report: SiteReport) -> str:
    snap = report.snapshot
    rows: list[list[object]] = []
    for t in snap.top_jurisdictions:
        rows.append(["I", t.rank, t.state, t.jurisdiction, t.county_fips, "", "", "", "", "", "",
                     t.detainers_issued, "", "", t.page])
    for d in snap.declined_detainers:
        rows.append(["II", "", d.state, d.county, d.county_fips, d.city, d.facility, d.citizenship,
                     d.detainer_issued_date.isoformat() if d.detainer_issued_date else "",
                     d.declined_date.isoformat() if d.declined_date else "",
                     "; ".join(d.notable_criminal_activity), "", "", "", d.page])
    for p in snap.policies:
        rows.append(["III", "", p.state, p.jurisdiction, p.county_fips, "", "", "", "", "", "", "",
                     p.policy_type, p.description, p.page])
    return csv_text(["section", "rank", "state", "jurisdiction", "county_fips", "city", "facility", "citizenship",
                     "detainer_issued_date", "declined_date", "notable_criminal_activity", "detainers_issued",
                     "policy_type", "description", "page"], rows)


def _feed(site_url: str, name: str, title: str, items: list[SiteReport], language: str = i18n.ENGLISH) -> bytes:
    """An Atom feed of reports in `language` (its entries link that language's pages)."""
    words = i18n.translations(language)
    folder = i18n.folder(language)
    feed = FeedGenerator()
    base = site_url.rstrip("/")
    feed.id(f"{base}/feeds/{folder}{name}.atom" if base else f"urn:ddor-watch:feed:{folder}{name}")
    feed.title(title)
    feed.author({"name": "ddor-watch"})
    feed.link(href=f"{base}/feeds/{folder}{name}.atom" if base else f"{name}.atom", rel="self")
    feed.language(language)
    latest = max((r.parsed_at for r in items), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    feed.updated(latest)
    for report in sorted(items, key=lambda r: (r.parsed_at, r.slug)):
        entry = feed.add_entry(order="append")
        entry.id(f"urn:sha256:{report.snapshot.sha256}" + (f":{language}" if folder else ""))
        period = report.period if not folder or report.snapshot.period_start is None or \
            report.snapshot.period_end is None else i18n.period(report.snapshot.period_start,
                                                                report.snapshot.period_end, language)
        headline = words.gettext("ICE's Declined Detainer Outcome Report for {period}").format(period=period)
        if report.snapshot.revision > 1:
            headline += " " + words.gettext("(revision {revision})").format(revision=report.snapshot.revision)
        if report.earlier_revision:
            headline = words.gettext("Correction: {headline}").format(headline=headline)
        entry.title(headline)
        entry.updated(report.parsed_at)
        page = f"{folder}reports/{report.slug}/"
        entry.link(href=f"{base}/{page}" if base else f"../{'../' if folder else ''}{page}")
        declined = words.ngettext("{count} declined detainer", "{count} declined detainers",
                                  report.snapshot.declined_total)
        places = words.ngettext("{count} jurisdiction", "{count} jurisdictions", len(report.snapshot.jurisdictions))
        entry.summary(words.gettext("{declined} in {places}. Source: {url}").format(
            declined=declined.format(count=_digits(report.snapshot.declined_total, language)),
            places=places.format(count=_digits(len(report.snapshot.jurisdictions), language)),
            url=report.snapshot.source_url))
    return bytes(feed.atom_str(pretty=True))


def _digits(value: int, language: str) -> str:
    return str(value) if language == i18n.ENGLISH else i18n.number(value, language)


def build_site(reports: list[SiteReport], output: Path, site_url: str = "",
               memberships: tuple[ListMembership, ...] = (), agreements: AgreementSection | None = None,
               extras: SiteExtras = SiteExtras()) -> SiteSummary:
    """Render the whole site into `output`, replacing what was there only once all is written."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    # One build at a time (a lock on the parent folder itself: no lock file to leave behind); a
    # build killed before its swap left its work folder, a whole copy of the site each time:
    # the next build removes it.
    folder = os.open(output.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        for stale in output.parent.glob(f".{output.name}.*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        return _build_in_place(reports, output, site_url, memberships, agreements, extras)
    finally:
        os.close(folder)    # releases the lock


def _build_in_place(reports: list[SiteReport], output: Path, site_url: str, memberships: tuple[ListMembership, ...],
                    agreements: AgreementSection | None, extras: SiteExtras) -> SiteSummary:
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    try:
        count = _write_site(reports, work, site_url, memberships, agreements, extras)
        os.chmod(work, 0o755)
        old = output.with_name(f".{output.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if output.exists():
            output.rename(old)
        work.rename(output)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return SiteSummary(output, len(reports), count[0], count[1])


def _write_site(reports: list[SiteReport], root: Path, site_url: str,
                memberships: tuple[ListMembership, ...], agreements: AgreementSection | None = None,
                extras: SiteExtras = SiteExtras()) -> tuple[int, int]:
    ordered = sorted(reports, key=lambda r: (r.snapshot.period_end or dt.date.min, r.snapshot.revision), reverse=True)
    places = jurisdictions(list(reversed(ordered)), memberships)
    files = 0

    def write(relative: str, data: str | bytes) -> None:
        nonlocal files
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        files += 1

    def page(template: str, relative: str, values: _Page) -> None:
        """The page in every language: English at `relative`, the others under their code
        (`es/…`), each linking its counterparts (hreflang and the language switch). Data files
        (CSV, JSON, PDF, maps, feeds) are written once and linked from every language."""
        for language in i18n.LANGUAGES:
            folder = i18n.folder(language)
            prefix = values.prefix if not folder else "../" + values.prefix
            shown = replace(values, prefix=prefix, home=prefix + folder, language=language, path=relative)
            write(folder + relative, render(f"site/{template}", shown, html=True, language=language))

    def at(depth: int) -> _Page:
        return _Page(prefix="../" * depth, site_url=site_url, agreements_link=agreements is not None, extras=extras)

    write(STYLESHEET, render("site/site.css.j2", None))
    write(SITE_MARKER, "written by `ddor site build`; the next build replaces this folder whole\n")
    write("favicon.svg", FAVICON)
    page("about.html.j2", "about.html", at(0))
    for source in extras.sources:
        page("source.html.j2", f"sources/{source.name}.html", replace(at(1), source=source))
    for relative, text in extras.downloads:
        write(relative, text)
    latest = next((r for r in ordered if r.current), None)
    if latest is not None and latest.map_file is not None and latest.map_file.is_file():
        write(f"reports/{latest.slug}/map.png", latest.map_file.read_bytes())
    page("index.html.j2", "index.html", replace(at(0), latest=latest, reports=ordered))
    by_state: dict[str, list[SiteReport]] = defaultdict(list)
    for report in ordered:
        folder = f"reports/{report.slug}"
        if report.map_file is not None and report.map_file.is_file() and report is not latest:
            write(f"{folder}/map.png", report.map_file.read_bytes())
        if report.archive_file is not None and report.archive_file.is_file():
            write(f"{folder}/{report.snapshot.sha256}.pdf", report.archive_file.read_bytes())
        write(f"{folder}/report.csv", _csv(report))
        write(f"{folder}/report.json", report.schema_json)
        for language, translated, _alt in report.translated_maps:
            if translated.is_file():
                write(f"{folder}/map.{language}.png", translated.read_bytes())
        has_map = report.map_file is not None and report.map_file.is_file()
        page("report.html.j2", f"{folder}/index.html", replace(at(2), report=report, has_map=has_map))
        for state in sorted({j.state for j in report.snapshot.jurisdictions if j.state}):
            by_state[state].append(report)
    for history in places.values():
        page("jurisdiction.html.j2", f"jurisdictions/{history.slug}.html", replace(at(1), place=history))
    page("jurisdictions.html.j2", "jurisdictions/index.html", replace(at(1), places=list(places.values())))
    if agreements is not None:
        _write_agreements(agreements, site_url, write, page, at(1))
    for language in i18n.LANGUAGES:   # each language its own feeds (feeds/es/…), linked from its pages
        words = i18n.translations(language)
        folder = i18n.folder(language)
        write(f"feeds/{folder}reports.atom", _feed(
            site_url, "reports", words.gettext("ddor-watch: every Declined Detainer Outcome Report"), ordered,
            language))
        write(f"feeds/{folder}corrections.atom", _feed(
            site_url, "corrections", words.gettext("ddor-watch: corrected reports"),
            [r for r in ordered if r.earlier_revision], language))
        for state, items in sorted(by_state.items()):
            write(f"feeds/{folder}state/{state}.atom", _feed(
                site_url, f"state/{state}", words.gettext("ddor-watch: reports listing places in {state}").format(
                    state=state), items, language))
    return len(places), files


def _write_agreements(section: AgreementSection, site_url: str, write: Callable[[str, str | bytes], None],
                      page: Callable[[str, str, _Page], None], values: _Page) -> None:
    """The 287(g) section: list, agency pages, corrections, downloads, feeds, our MOA copies."""
    shown = agreement_view(section)
    page("agreements.html.j2", "agreements/index.html", replace(values, view=shown))
    page("corrections.html.j2", "agreements/corrections.html", replace(values, view=shown))
    for agency in shown.pages:
        page("agency.html.j2", f"agreements/{agency.slug}.html", replace(values, view=shown, agency_page=agency))
    for relative, text in agreement_downloads(section).items():
        write(relative, text)
    for relative, data in agreement_feeds(section, site_url, shown.pages).items():
        write(relative, data)
    for copy in sorted(section.moa.values(), key=lambda m: m.url):
        if copy.sha256 and copy.archive_path and Path(copy.archive_path).is_file():
            write(f"agreements/moa/{copy.sha256}.pdf", Path(copy.archive_path).read_bytes())


@dataclass(frozen=True)
class _Page:
    """What every site template gets as `c`: the way back to the root, and the page's values."""

    prefix: str
    site_url: str
    latest: SiteReport | None = None
    reports: list[SiteReport] = field(default_factory=list)
    report: SiteReport | None = None
    has_map: bool = False
    place: JurisdictionHistory | None = None
    places: list[JurisdictionHistory] = field(default_factory=list)
    agreements_link: bool = False          # the site has a 287(g) section: the header links it
    view: AgreementView | None = None
    agency_page: AgencyPage | None = None
    extras: SiteExtras = field(default_factory=SiteExtras)
    source: SourcePage | None = None
    language: str = i18n.ENGLISH
    path: str = ""           # the page's path below its language's root ("reports/x/index.html")
    home: str = ""           # the way to its language's root (page links); `prefix` leads to the data

    def slug(self, state: str | None, name: str | None, fips: str | None) -> str:
        return jurisdiction_slug(state, name, fips)

    @property
    def here(self) -> str:
        """The way to the data files beside this page (they exist once, in the English tree)."""
        if self.language == i18n.ENGLISH:
            return ""
        folder = self.path.rsplit("/", 1)[0] + "/" if "/" in self.path else ""
        return self.prefix + folder

    @property
    def feeds(self) -> str:
        """The way to this language's feeds."""
        return self.prefix + "feeds/" + i18n.folder(self.language)

    def alternate(self, language: str) -> str:
        """This page in `language`: absolute under the public address when there is one."""
        folder = i18n.folder(language)
        if self.site_url:
            return f"{self.site_url.rstrip('/')}/{folder}{self.path}"
        return f"{self.prefix}{folder}{self.path}"
