"""What followers and subscribers read: golden renderings of the demo's reports, and every
change kind the diff produces shown somewhere a reader sees it.

Golden files are plain text so a wording change reads as a diff in review. After an intended
change: `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_followers.py` and read the diff.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from ddor_watch.db.records import Change, ChangeKind
from ddor_watch.publish.context import build_context
from ddor_watch.publish.outbox import report_context
from ddor_watch.publish.render import render_digest, render_post
from publish_support import store_series

GOLDEN = Path(__file__).parent / "golden"

# The networks with golden files of the demo's posts.
SOCIAL = ("x", "mastodon", "bluesky")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {name}: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(), f"{name} changed: if intended, run with UPDATE_GOLDEN=1 and review the diff"


def thread_text(parts: list[str]) -> str:
    return "".join(f"--- part {i + 1} of {len(parts)} ---\n{part}\n" for i, part in enumerate(parts))


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo's four reports (three weeks, then week 1's correction) in one SQLite database."""
    from ddor_watch.db.session import open_database

    root = tmp_path_factory.mktemp("golden")
    (root / "data").mkdir()
    db = open_database(f"sqlite:///{root / 'golden.sqlite'}")
    ids = store_series(db, root / "data", root, steps=4)
    yield db, ids
    db.engine.dispose()


@pytest.mark.parametrize(("step", "kind"), [(1, "report"), (2, "report"), (3, "correction")])
def test_golden_posts_and_digests_of_the_demo(demo_reports, step: int, kind: str) -> None:  # type: ignore[no-untyped-def]
    db, ids = demo_reports
    *_, context = report_context(db, ids[step])
    for channel in SOCIAL:
        check_golden(f"week{step + 1}-{kind}-{channel}.txt", thread_text(render_post(channel, kind, context)))
    subject, text, _html = render_digest(kind, context, with_map=True)
    check_golden(f"week{step + 1}-{kind}-email.txt", f"Subject: {subject}\n\n{text}")


def test_every_change_kind_reaches_a_reader(demo_reports) -> None:  # type: ignore[no-untyped-def]
    """Each kind the diff can produce (but the silent first-report baseline) appears in the
    thread or the digest, with the words a reader needs to know which list it comes from."""
    db, ids = demo_reports
    current, previous, _changes, _context = report_context(db, ids[1])
    at = dict(jurisdiction="Travis County", state="TX", county_fips="48453", page=3)
    every = [
        Change(ChangeKind.CORRECTION, before="a" * 64, after="b" * 64),
        Change(ChangeKind.NATIONWIDE_TOTAL_CHANGED, before=3083, after=2825),
        Change(ChangeKind.DECLINED_TOTAL_CHANGED, before=12, after=8),
        Change(ChangeKind.ENTERED_TOP_TEN, jurisdiction="Kings County", state="NY", after=10, count=8, page=1),
        Change(ChangeKind.LEFT_TOP_TEN, jurisdiction="Nassau County", state="NY", before=2, count=38),
        Change(ChangeKind.RANK_MOVED, jurisdiction="Cook County", state="IL", before=3, after=2, count=35, page=1),
        Change(ChangeKind.TOP_TEN_COUNT_CHANGED, jurisdiction="Cook County", state="IL", before=30, after=35,
               count=35, page=1),
        Change(ChangeKind.NEWLY_LISTED, jurisdiction="Cook County", state="IL", after=2, count=2, page=2),
        Change(ChangeKind.LISTED_AGAIN, jurisdiction="Doña Ana County", state="NM", after=1, count=1, page=2),
        Change(ChangeKind.NO_LONGER_LISTED, jurisdiction="Montgomery County", state="IA", before=1),
        Change(ChangeKind.DECLINED_COUNT_CHANGED, **at, before=6, after=4, count=4),
        Change(ChangeKind.POLICY_ADDED, jurisdiction="Santa Clara County", state="CA", after="Ordinance", page=4),
        Change(ChangeKind.POLICY_REMOVED, jurisdiction="Alachua County", state="FL", before="Policy"),
        Change(ChangeKind.POLICY_TYPE_CHANGED, jurisdiction="Cook County", state="IL", before="Policy",
               after="Ordinance", page=4),
        Change(ChangeKind.POLICY_DESCRIPTION_CHANGED, **at, before="old words", after="new words"),
        Change(ChangeKind.ROW_REMOVED, **at, before="Travis County | TX | Austin | removed row"),
        Change(ChangeKind.ROW_ADDED, **at, after="Travis County | TX | Austin | added row"),
    ]
    assert {c.kind for c in every} == set(ChangeKind) - {ChangeKind.FIRST_REPORT}
    report = build_context(current, previous, every)
    correction = replace(build_context(current, previous, every), revision=2, previous_period=None)
    thread = "\n".join(render_post("mastodon", "report", report))
    digest = render_digest("report", report, False)[1]
    fixed = render_digest("correction", correction, False)[1]
    seen_by_kind = {
        ChangeKind.CORRECTION: (fixed, "Correction: ICE revised"),
        ChangeKind.NATIONWIDE_TOTAL_CHANGED: (fixed, "Detainers issued nationwide:"),
        ChangeKind.DECLINED_TOTAL_CHANGED: (thread, "in the report before)"),
        ChangeKind.ENTERED_TOP_TEN: (thread, "Entered: Kings County, NY, rank 10"),
        ChangeKind.LEFT_TOP_TEN: (thread, "Left: Nassau County, NY, was rank 2"),
        ChangeKind.RANK_MOVED: (digest, "Cook County, IL: 35 (was 30), up 1 from rank 3"),
        ChangeKind.TOP_TEN_COUNT_CHANGED: (fixed, "Detainers issued, Cook County, IL: 30 to 35"),
        ChangeKind.NEWLY_LISTED: (thread, "Newly listed in Section II (declined detainers)"),
        ChangeKind.LISTED_AGAIN: (thread, "Listed again: Doña Ana County, NM (1)"),
        ChangeKind.NO_LONGER_LISTED: (thread, "No longer listed: Montgomery County, IA"),
        ChangeKind.DECLINED_COUNT_CHANGED: (fixed, "Travis County, TX: 6 to 4 declined detainers"),
        ChangeKind.POLICY_ADDED: (thread, "Added: Santa Clara County, CA (Ordinance)"),
        ChangeKind.POLICY_REMOVED: (thread, "Removed: Alachua County, FL"),
        ChangeKind.POLICY_TYPE_CHANGED: (thread, "Type changed: Cook County, IL, Policy to Ordinance"),
        ChangeKind.POLICY_DESCRIPTION_CHANGED: (digest, "Description changed: Travis County, TX (p. 3)"),
        ChangeKind.ROW_REMOVED: (fixed, "Removed (p. 3): Travis County | TX | Austin | removed row"),
        ChangeKind.ROW_ADDED: (fixed, "Added (p. 3): Travis County | TX | Austin | added row"),
    }
    missing = {kind: needle for kind, (text, needle) in seen_by_kind.items() if needle not in text}
    assert not missing, missing
    assert "(Policy)" not in thread + digest + fixed, "a type that tells the reader nothing is left out"
