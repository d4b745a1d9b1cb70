"""`ddor site build`: gather the stored history into plain values and have publish render it."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import replace
from pathlib import Path

from ddor_watch.db.changes import load_changes
from ddor_watch.db.list_history import first_seen, list_events, snapshot_summaries
from ddor_watch.db.lists import GONE, LISTED, bare_name, followed_links, latest_list, memberships
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import as_parsed, load_facts, load_snapshot, previous_report_id, report_ids_in_order
from ddor_watch.monitor.config import Settings
from ddor_watch.monitor.overwrite import replaceable_folder
from ddor_watch.publish.context import build_context
from ddor_watch.publish.i18n import ENGLISH, LANGUAGES, N_, Phrase, phrase
from ddor_watch.publish.map import MapData, alt_text, map_data, map_file_name, newly_listed_keys, render_map
from ddor_watch.publish.site import (
    SITE_MARKER,
    ListMembership,
    SiteExtras,
    SiteReport,
    SiteSummary,
    SourcePage,
    build_site,
    jurisdiction_slug,
)
from ddor_watch.publish.site_agreements import AgreementEvent, AgreementSection
from ddor_watch.scraper.pdf.export import report_to_json

logger = logging.getLogger(__name__)


def report_slug(period_end: object, revision: int, report_id: int) -> str:
    return f"{period_end}-r{revision}" if period_end else f"report-{report_id}-r{revision}"


def site_reports(settings: Settings, db: Database) -> list[SiteReport]:
    ids = report_ids_in_order(db)
    snapshots = {report_id: load_snapshot(db, report_id) for report_id in ids}
    slugs = {i: report_slug(s.period_end, s.revision, i) for i, s in snapshots.items()}
    revisions: dict[tuple[object, object], list[int]] = {}
    for report_id, snap in snapshots.items():
        revisions.setdefault((snap.period_start, snap.period_end), []).append(report_id)
    base = settings.site_url.rstrip("/")
    reports = []
    for report_id, snap in snapshots.items():
        previous_id = previous_report_id(db, report_id)
        previous = snapshots.get(previous_id) if previous_id else None
        changes = load_changes(db, report_id)
        facts = load_facts(db, report_id)
        same_period = revisions[(snap.period_start, snap.period_end)]
        later = [i for i in same_period if snapshots[i].revision > snap.revision]
        earlier = [i for i in same_period if snapshots[i].revision == snap.revision - 1]
        map_file = settings.data.maps / map_file_name(snap.period_end, snap.revision)
        context = build_context(snap, previous, changes, f"{base}/reports/{slugs[report_id]}/" if base else None)
        data = map_data(snap, newly_listed_keys(changes), previous.declined_total if previous else None)
        reports.append(SiteReport(
            slug=slugs[report_id], snapshot=snap, context=context, changes=tuple(changes),
            title=facts.title or "Declined Detainer Outcome Report", pages=facts.pages, accounting=facts.accounting,
            parsed_at=facts.parsed_at, archive_file=settings.data.archived(snap.sha256),
            map_file=map_file if map_file.is_file() else None, map_alt=alt_text(data),
            schema_json=json.dumps(report_to_json(as_parsed(snap, facts)), indent=2, ensure_ascii=False) + "\n",
            translated_maps=_translated_maps(settings, data, map_file, snap.period_end, snap.revision),
            earlier_revision=slugs[earlier[0]] if earlier else None,
            later_revision=slugs[max(later, key=lambda i: snapshots[i].revision)] if later else None))
    return reports


def _translated_maps(settings: Settings, data: MapData, english: Path, period_end: dt.date | None, revision: int
                     ) -> tuple[tuple[str, Path, str], ...]:
    """The report's map in every other language, drawn once (and kept beside the English one)
    when the outbox has not drawn it already: a Spanish page shows a Spanish map."""
    found = []
    for language in LANGUAGES:
        if language == ENGLISH or not english.is_file():
            continue
        drawn = settings.data.maps / map_file_name(period_end, revision, language)
        translated = replace(data, language=language)
        if not drawn.is_file():
            try:
                render_map(translated, drawn, settings.data.cache)
            except Exception as error:  # a degradation boundary: the page shows the English map
                logger.error("the %s map %s could not be drawn: %s", language, drawn.name, error)
                continue
        found.append((language, drawn, alt_text(translated)))
    return tuple(found)


def list_memberships(db: Database) -> tuple[ListMembership, ...]:
    """Every place another source's list has named, with what holds today, for its page."""
    from ddor_watch.scraper.sources import SOURCES

    found = []
    for member in memberships(db):
        entry = member.entry
        fips = entry.fips if entry.fips and len(entry.fips) == 5 else None
        source = SOURCES.get(member.source)
        label = phrase("%(agency)s's %(title)s", agency=source.agency, title=source.title) if source \
            else phrase("%(source)s", source=member.source)
        earlier = tuple((start.date(), end.date()) for start, end in member.intervals[:-1] if end is not None)
        found.append(ListMembership(jurisdiction_slug(entry.state, bare_name(entry.name), fips), entry.name,
                                    entry.state, fips, label, member.since.date(),
                                    member.ended_on.date() if member.ended_on else None, member.ended_how, earlier))
    return tuple(sorted(found, key=lambda m: (m.slug, m.label.values)))


def agreement_section(db: Database) -> AgreementSection | None:
    """The agreement list (287(g)) as it stands and every event of it, when one is stored."""
    from ddor_watch.scraper.sources import SOURCES, SourceKind

    for source in SOURCES.values():
        if source.kind is not SourceKind.AGREEMENT_LIST:
            continue
        latest = latest_list(db, source.name)
        if latest is None:
            continue
        listed = latest if latest.status == LISTED else latest_list(db, source.name, LISTED)
        stored = list_events(db, source.name)
        events = tuple(AgreementEvent(e.seen, e.change.kind, e.change.entry, e.change.before) for e in stored)
        return AgreementSection(latest.url, source.agency, source.title, latest.fetched_at,
                                listed.entries if listed else (), first_seen(db, source.name, stored), events,
                                latest.fetched_at if latest.status == GONE else None, followed_links(db))
    return None


# What a list update changed, by change kind: a count and its words, or words alone.
_CHANGE_WORDS = {"list_baseline": N_("first version stored"), "list_entry_added": N_("%(count)s added"),
                 "list_entry_removed": N_("%(count)s removed"), "list_gone": N_("the page answered 'gone'"),
                 "list_back": N_("the page was back"), "agreement_signed": N_("%(count)s signed"),
                 "agreement_renamed": N_("%(count)s renamed"),
                 "agreement_duplicate_removed": N_("%(count)s duplicate removed"),
                 "agreement_duplicate_added": N_("%(count)s duplicate added"),
                 "agreement_signed_date_changed": N_("%(count)s signed date changed"),
                 "agreement_moa_published": N_("%(count)s moa published"),
                 "agreement_undecided": N_("%(count)s undecided")}


def _change_words(kinds: dict[str, int]) -> tuple[Phrase, ...]:
    parts = []
    for kind, count in kinds.items():
        words = _CHANGE_WORDS.get(kind, "%(count)s " + kind.replace("_", " "))
        parts.append(phrase(words, count=count) if "%(count)s" in words else phrase(words))
    return tuple(parts) or (phrase(N_("changed")),)


def source_pages(settings: Settings, db: Database, reports: list[SiteReport]) -> tuple[SourcePage, ...]:
    """Each enabled source (and any with history), what holds today and every version seen."""
    from ddor_watch.scraper.sources import SOURCES, SourceKind

    pages = []
    for name, source in SOURCES.items():
        if source.kind is SourceKind.DDOR_REPORT:
            current = [r for r in reports if r.current]
            latest = max(current, key=lambda r: r.snapshot.period_end or dt.date.min, default=None)
            status = (phrase(N_("%(count)s reports stored; the latest covers %(period)s"), count=len(current),
                             period=_period(latest)) if latest
                      else phrase(N_("no report stored yet (the series has been dormant since 2017)")))
            stored: list[tuple[dt.datetime, tuple[Phrase, ...]]] = [(r.parsed_at, (
                phrase(N_("report for %(period)s stored (revision %(revision)s)"), period=_period(r),
                       revision=r.snapshot.revision) if r.snapshot.revision > 1
                else phrase(N_("report for %(period)s stored"), period=_period(r)),)) for r in reports]
            updates = tuple(sorted(stored, key=lambda item: item[0], reverse=True))
            pages.append(SourcePage(name, source.agency, source.title, settings.start_urls, status, updates))
            continue
        versions = snapshot_summaries(db, name)
        if not versions and name not in settings.sources:
            continue
        last = versions[-1] if versions else None
        if last is None:
            status = phrase(N_("not checked yet"))
        elif last.status == GONE:
            status = phrase(N_("its page answered 'gone' when ddor-watch checked it on %(day)s; the last version is "
                               "kept"), day=last.seen.date())
        else:
            status = phrase(N_("lists %(count)s entries as of %(day)s"), count=last.entries, day=last.seen.date())
        updates = tuple((v.seen, _change_words(v.kinds)) for v in reversed(versions))
        section = "agreements/index.html" if source.kind is SourceKind.AGREEMENT_LIST and versions else None
        pages.append(SourcePage(name, source.agency, source.title, settings.start_pages(name), status, updates,
                                section))
    return tuple(pages)


def _period(report: SiteReport) -> str | tuple[dt.date, dt.date]:
    """A report's period for a phrase: its days when it has both (worded per locale), else as printed."""
    start, end = report.snapshot.period_start, report.snapshot.period_end
    return (start, end) if start is not None and end is not None else report.period


def history_downloads(db: Database) -> tuple[tuple[str, str], ...]:
    """The whole history as files: reports, jurisdictions (across sources) and every list event."""
    from ddor_watch.db.history import history
    from ddor_watch.db.list_history import list_changes
    from ddor_watch.monitor.output import render_rows

    found = []
    for name, (columns, rows) in (("reports", history(db, "reports")), ("jurisdictions", history(db, "jurisdictions")),
                                  ("list-changes", list_changes(db))):
        found.append((f"data/{name}.csv", render_rows(columns, rows, "csv") + "\n"))
        found.append((f"data/{name}.json", render_rows(columns, rows, "json") + "\n"))
    return tuple(found)


def build(settings: Settings, db: Database, output: Path | None = None) -> SiteSummary:
    # The folder is replaced whole: only an earlier site (or an empty folder) may be.
    replaceable_folder(output or settings.site_folder, SITE_MARKER, "an earlier ddor-watch site",
                       looks_like=("index.html", "site.css", "reports"))
    reports = site_reports(settings, db)
    extras = SiteExtras(source_pages(settings, db, reports), history_downloads(db), settings.contact,
                        settings.code_url)
    return build_site(reports, output or settings.site_folder, settings.site_url, list_memberships(db),
                      agreement_section(db), extras)
