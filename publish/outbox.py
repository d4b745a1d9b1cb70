"""Render a report's changes into the outbox, then deliver what is due, channel by channel.

Rendering and delivery are separate steps. Messages are keyed (report revision, channel,
kind) and each delivery is sent at most once: states are recorded before and after every
network call, and an interrupted delivery resumes with the channel checking what it
already posted. One failing channel never blocks the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ddor_watch.db.changes import load_changes
from ddor_watch.db.errors import PublishError
from ddor_watch.db.lists import StoredList, load_list, load_list_changes, previous_list
from ddor_watch.db.outbox_store import (
    active_subscribers,
    add_message,
    claim_due,
    has_list_message,
    has_message,
    mark_failed,
    mark_possibly_sent,
    mark_retry,
    mark_sent,
    save_progress,
    subscriber_languages,
)
from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import (
    PARTICIPATING,
    REPORT_SOURCE,
    Change,
    ChannelName,
    DeliveryOutcome,
    ListChange,
    ListChangeKind,
    ListEntry,
    Message,
    MessageKind,
    MessageStatus,
    OutcomeKind,
    PendingDelivery,
    ReportSnapshot,
)
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import is_first_report, load_snapshot, previous_report_id
from ddor_watch.publish import i18n
from ddor_watch.publish.agreement_context import AgreementContext, build_agreement_context
from ddor_watch.publish.channels.base import Channel
from ddor_watch.publish.channels.registry import DIGEST, POSTING
from ddor_watch.publish.channels.spec import ChannelSpec, one_recipient
from ddor_watch.publish.context import ReportContext, build_context
from ddor_watch.publish.list_context import ListContext, ListSourceInfo, build_list_context
from ddor_watch.publish.list_map import AGREEMENT_LEGEND, LIST_LEGEND, ListMapData, render_list_map
from ddor_watch.publish.map import digest_copy, map_data, map_file_name, newly_listed_keys, render_map
from ddor_watch.publish.render import render_digest, render_post, render_subject
from ddor_watch.publish.settings import PublishSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enqueued:
    report_id: int
    kind: MessageKind
    status: str
    hold_reason: str | None
    channels: tuple[ChannelName, ...]
    map_path: str | None
    map_error: str | None = None    # the map could not be drawn: the messages go out text-only


def _status(db: Database, report_id: int, warnings: tuple[str, ...], backfill: bool,
            include_silent: bool) -> tuple[MessageStatus, str | None]:
    if warnings:
        return MessageStatus.HELD, "parse warnings: " + "; ".join(warnings[:3])
    if (backfill or is_first_report(db, report_id)) and not include_silent:
        return MessageStatus.SILENT, "baseline" if not backfill else "backfill"
    return MessageStatus.READY, None


def report_context(db: Database, report_id: int, report_url: str | None = None
                   ) -> tuple[ReportSnapshot, ReportSnapshot | None, list[Change], ReportContext]:
    """A stored report, the one before it, its changes, and the template context built from them."""
    current = load_snapshot(db, report_id)
    previous_id = previous_report_id(db, report_id)
    previous = load_snapshot(db, previous_id) if previous_id else None
    changes = load_changes(db, report_id)
    return current, previous, changes, build_context(current, previous, changes, report_url)


def _recipients(spec: ChannelSpec, publish: PublishSettings | None) -> list[str]:
    """Who gets a posting channel's message: its account, or (Apprise) each configured target.
    Without the publishing settings, only channels with one account get one."""
    if publish is None:
        return [""] if spec.recipients is one_recipient else []
    return spec.recipients(publish)


def _posting(publish: PublishSettings | None) -> list[tuple[ChannelSpec, list[str]]]:
    """The posting channels that have someone to post to (an unconfigured Apprise has no
    target: no message is made for it), with their recipients."""
    return [(spec, recipients) for spec in POSTING if (recipients := _recipients(spec, publish))]


def enqueue_report(data: DataDir, db: Database, report_id: int, include_silent: bool = False,
                   report_url: str | None = None, publish: PublishSettings | None = None) -> Enqueued:
    """Render and queue every channel's message for a report; `report_url` is its page on the
    public site (where "and N more" points), when there is one."""
    current, previous, changes, context = report_context(db, report_id, report_url)
    kind = MessageKind.CORRECTION if current.revision > 1 else MessageKind.REPORT
    posting = _posting(publish)
    languages = subscriber_languages(db)
    if all(has_message(db, report_id, spec.name, kind, _language(publish, spec)) for spec, _ in posting) and all(
            has_message(db, report_id, DIGEST.name, kind, language) for language in languages):
        return Enqueued(report_id, kind, "already queued", None, (), None)
    map_error: str | None = None
    status, reason = _status(db, report_id, current.warnings, current.backfill, include_silent)
    # One map per language a message is written in: its title, legend and alt text are words too.
    drawn = map_data(current, newly_listed_keys(changes), previous.declined_total if previous else None)
    maps: dict[str, tuple[str | None, str | None]] = {}
    for language in _drawn_languages(publish, posting, languages):
        try:
            output = data.maps / map_file_name(current.period_end, current.revision, language)
            result = render_map(replace(drawn, language=language), output, data.cache)
            # Stored relative to the data dir: the same outbox works from any working folder.
            maps[language] = str(result.path.relative_to(data.root)), result.alt_text
        except Exception as error:  # a degradation boundary: the report goes out text-only, never not at all
            logger.error("map for report %s failed: %s", report_id, error, exc_info=True)
            map_error = map_error or f"{type(error).__name__}: {error}"
            maps[language] = None, None
    link = current.source_url
    done: list[ChannelName] = []
    for spec, recipients in posting:
        channel, language = spec.name, _language(publish, spec)
        if has_message(db, report_id, channel, kind, language):
            continue
        map_path, alt = maps[language]
        message_status, message_reason = status, reason
        try:
            parts = tuple(render_post(channel, kind, context, language))
        except PublishError as error:
            parts, message_status, message_reason = ("",), MessageStatus.HELD, str(error)
        subject = render_subject(kind, context, language) if spec.titled else None
        added = add_message(db, Message(report_id, channel, kind, parts, subject, None, map_path, alt, link,
                                        language=language), message_status, message_reason, recipients)
        if added:
            done.append(channel)
    states = {c.state for c in changes if c.state}
    for language in languages:   # one digest per language its subscribers read
        if has_message(db, report_id, DIGEST.name, kind, language):
            continue
        map_path, alt = maps[language]
        subject, text, html = render_digest(kind, context, map_path is not None, language)
        if add_message(db, Message(report_id, DIGEST.name, kind, (text,), subject, html,
                                   digest_copy(data.root, map_path), alt, link, language=language),
                       status, reason, active_subscribers(db, REPORT_SOURCE, states, language)) \
                and DIGEST.name not in done:
            done.append(DIGEST.name)
    return Enqueued(report_id, kind, status, reason, tuple(done), maps[i18n.ENGLISH][0], map_error)


def _language(publish: PublishSettings | None, spec: ChannelSpec) -> str:
    """The language of a posting channel's account (English when not configured)."""
    return publish.language(spec.name) if publish else i18n.ENGLISH


def _drawn_languages(publish: PublishSettings | None, posting: list[tuple[ChannelSpec, list[str]]],
                     digests: list[str]) -> list[str]:
    """The languages an update's map is drawn in: English (what the site and the result name),
    each posting account's and each digest's, once each."""
    return list(dict.fromkeys([i18n.ENGLISH, *(_language(publish, spec) for spec, _ in posting), *digests]))


def _retry_at(attempts: int, error: PublishError | None) -> dt.datetime:
    if error is not None and error.retry_at:
        return dt.datetime.fromtimestamp(error.retry_at, dt.UTC)
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=min(60 * 2 ** attempts, 6 * 3600))


def resolve_image(data: DataDir, item: PendingDelivery) -> PendingDelivery:
    """The message's map as a path that works from here (stored relative to the data dir)."""
    stored = item.message.image_path
    if not stored or Path(stored).is_absolute():
        return item
    return replace(item, message=replace(item.message, image_path=str(data.root / stored)))


def deliver_one(db: Database, channel: Channel, item: PendingDelivery, max_attempts: int) -> DeliveryOutcome:
    """One send, recorded. A channel's own error (PublishError) and an unexpected one both
    count toward `max_attempts`; after that the delivery fails for good. A message whose map
    has gone missing fails at once (alerted) rather than going out silently without it."""
    def progress(parts: list[str]) -> None:
        save_progress(db, item.delivery_id, parts)

    def outcome(kind: OutcomeKind, detail: str | None = None, retry_at: dt.datetime | None = None,
                unexpected: bool = False) -> DeliveryOutcome:
        return DeliveryOutcome(kind, item.delivery_id, item.message.channel, item.message.about,
                               item.message.kind, item.recipient, detail, retry_at, unexpected)

    image = item.message.image_path
    if image and not Path(image).is_file():
        detail = f"its map {image} is missing; it was not sent without it"
        mark_failed(db, item.delivery_id, detail)
        return outcome(OutcomeKind.FAILED, detail)
    known: PublishError | None = None
    try:
        result = channel.send(item, progress)
    except PublishError as error:
        known, detail, permanent, unexpected = error, str(error), error.permanent, False
    except Exception as error:  # a channel bug must not stop the other channels
        logger.error("unexpected error delivering %s", item.message.channel, exc_info=True)
        detail, permanent, unexpected = f"{type(error).__name__}: {error}", False, True
    else:
        if result.uncertain:
            mark_possibly_sent(db, item.delivery_id, result.note or "outcome unknown")
            return outcome(OutcomeKind.POSSIBLY_SENT, result.note)
        mark_sent(db, item.delivery_id, result.remote_id, duplicate=result.duplicate, note=result.note,
                  dry_run=result.dry_run)
        kind = OutcomeKind.DRY_RUN if result.dry_run else OutcomeKind.DUPLICATE if result.duplicate \
            else OutcomeKind.SENT
        return outcome(kind, result.note)
    if permanent or item.attempts >= max_attempts:
        mark_failed(db, item.delivery_id, detail)
        return outcome(OutcomeKind.FAILED, detail, unexpected=unexpected)
    at = _retry_at(item.attempts, known)
    mark_retry(db, item.delivery_id, detail, at)
    return outcome(OutcomeKind.RETRY, detail, at, unexpected)


def deliver_pending(db: Database, channels: Mapping[ChannelName, Channel], max_attempts: int, data: DataDir,
                    only: ChannelName | None = None, now: dt.datetime | None = None) -> list[DeliveryOutcome]:
    """Send every due delivery through `channels[name]`; one outcome per delivery."""
    outcomes = []
    for item in claim_due(db, only, now):
        channel = channels.get(item.message.channel)
        if channel is not None:
            outcomes.append(deliver_one(db, channel, resolve_image(data, item), max_attempts))
    return outcomes


def enqueue_list(data: DataDir, db: Database, snapshot_id: int, info: ListSourceInfo,
                 more_url: str | None = None, publish: PublishSettings | None = None) -> Enqueued:
    """Render and queue every channel's message for a list change, with its map. A snapshot
    whose reading left warnings (or whose drop or matches need a look) is held; a change that
    holds only the agency's corrections of its own list reaches digests, never posts."""
    snapshot = load_list(db, snapshot_id)
    changes = load_list_changes(db, snapshot_id)
    kind = info.kind
    context: ListContext | AgreementContext
    if kind is MessageKind.AGREEMENTS:
        context = build_agreement_context(info, snapshot, previous_list(db, snapshot), changes)
        postable = context.postable
    else:
        context = build_list_context(info, snapshot, changes)
        postable = True
    if more_url:   # the list's page on the public site: where "and N more" points
        context = replace(context, more_url=more_url)
    status, reason = (MessageStatus.HELD, "; ".join(snapshot.warnings[:3])) if snapshot.warnings \
        else (MessageStatus.READY, None)
    posting = _posting(publish) if postable else []
    languages = subscriber_languages(db)
    maps: dict[str, tuple[str | None, str | None]] = {}
    map_error: str | None = None
    for language in _drawn_languages(publish, posting, languages):
        drawn_path, drawn_alt, error = _list_map(data, info, snapshot, changes, context, language) if postable \
            else (None, None, None)
        maps[language] = drawn_path, drawn_alt
        map_error = map_error or error
    done: list[ChannelName] = []
    for spec, recipients in posting:
        channel, language = spec.name, _language(publish, spec)
        if has_list_message(db, snapshot_id, channel, language):
            continue
        map_path, alt = maps[language]
        message_status, message_reason = status, reason
        try:
            parts = tuple(render_post(channel, kind, context, language))
        except PublishError as error:
            parts, message_status, message_reason = ("",), MessageStatus.HELD, str(error)
        subject = render_subject(kind, context, language) if spec.titled else None
        message = Message(None, channel, kind, parts, subject, None, map_path, alt, snapshot.url, snapshot_id,
                          language=language)
        if add_message(db, message, message_status, message_reason, recipients):
            done.append(channel)
    for language in languages:   # one digest per language its subscribers read
        if has_list_message(db, snapshot_id, DIGEST.name, language):
            continue
        map_path, alt = maps[language]
        subject, text, html = render_digest(kind, context, map_path is not None, language)
        subscribers = active_subscribers(db, info.name, set(context.states), language)
        if add_message(db, Message(None, DIGEST.name, kind, (text,), subject, html,
                                   digest_copy(data.root, map_path), alt, snapshot.url,
                                   snapshot_id, language=language), status, reason, subscribers) \
                and DIGEST.name not in done:
            done.append(DIGEST.name)
    return Enqueued(snapshot_id, kind, status, reason, tuple(done), maps[i18n.ENGLISH][0], map_error)


def _list_map(data: DataDir, info: ListSourceInfo, snapshot: StoredList, changes: list[ListChange],
              context: ListContext | AgreementContext, language: str = i18n.ENGLISH
              ) -> tuple[str | None, str | None, str | None]:
    """(map path relative to the data dir, alt text, error): a list change's map, or none for
    a page gone. Agreements: the participating agencies' counties filled, new ones marked."""
    if context.gone:
        return None, None, None
    agreements = info.kind is MessageKind.AGREEMENTS

    def drawn(entry: ListEntry | None) -> bool:
        return entry is not None and (not agreements or entry.list_name == PARTICIPATING)

    added = tuple(dict.fromkeys(c.entry for c in changes if c.kind in (ListChangeKind.ADDED, ListChangeKind.SIGNED)
                                and c.entry and drawn(c.entry)))
    removed = tuple(c.entry for c in changes if c.kind is ListChangeKind.REMOVED and c.entry and drawn(c.entry))
    words = i18n.translations(language)
    subtitle = words.gettext("{new} new agreements, {ended} no longer listed; a county is filled where an agency in "
                             "it holds one").format(new=len(added), ended=len(removed)) if agreements else ""
    day = context.date if language == i18n.ENGLISH or context.day is None else i18n.day(context.day, language)
    try:
        result = render_list_map(ListMapData(words.gettext("{agency} {title}, {day}").format(
                                                 agency=info.agency, title=info.title, day=day),
                                             tuple(e for e in snapshot.entries if drawn(e)), added, removed,
                                             snapshot.url, subtitle,
                                             AGREEMENT_LEGEND if agreements else LIST_LEGEND, language),
                                 data.maps / f"{info.name}-{snapshot.id}{i18n.suffix(language)}.png", data.cache)
    except Exception as error:  # a degradation boundary, as for report maps
        logger.error("map for list snapshot %s failed: %s", snapshot.id, error, exc_info=True)
        return None, None, f"{type(error).__name__}: {error}"
    return str(result.path.relative_to(data.root)), result.alt_text, None
