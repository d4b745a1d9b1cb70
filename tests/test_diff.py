"""The diff: every change kind, its properties, and an end-to-end run over stored weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import Change, DeclinedDetainer, JurisdictionCount, Policy, ReportSnapshot, TopJurisdiction
from ddor_watch.db.text import jurisdiction_key
from ddor_watch.monitor.diff import apply_top_ten, diff

W1 = (dt.date(2017, 1, 28), dt.date(2017, 2, 3))
W2 = (dt.date(2017, 2, 4), dt.date(2017, 2, 10))


def top(rank: int, name: str, state: str, fips: str | None, n: int) -> TopJurisdiction:
    return TopJurisdiction(rank, name, state, fips, n, 1)


def place(name: str, state: str, fips: str | None, n: int) -> JurisdictionCount:
    return JurisdictionCount(jurisdiction_key(state, name, fips), state, name, fips, n, 2)


def snap(period=W2, revision=1, total=3000, tops=(), places=(), policies=(), before=(), rows=(),  # type: ignore[no-untyped-def]
         report_id=2, sha="b" * 64) -> ReportSnapshot:
    return ReportSnapshot(report_id, period[0], period[1], revision, sha, None, total,
                          sum(p.declined for p in places), tuple(tops), tuple(places), tuple(policies),
                          tuple(rows), frozenset(before))


CLARK = place("Clark County", "NV", "32003", 3)
T_CLARK, T_COOK = top(1, "Clark County", "NV", "32003", 51), top(2, "Cook County", "IL", "17031", 9)
COOK = place("Cook County", "IL", "17031", 2)


def kinds(changes: list[Change]) -> list[str]:
    return [c.kind for c in changes]


CASES = {
    "newly_listed": (snap(period=W1, places=[CLARK]), snap(places=[CLARK, COOK]), "newly_listed", "Cook County"),
    "listed_again": (snap(period=W1, places=[CLARK]), snap(places=[CLARK, COOK], before=[COOK.key]),
                     "listed_again", "Cook County"),
    "no_longer_listed": (snap(period=W1, places=[CLARK, COOK]), snap(places=[CLARK]), "no_longer_listed",
                         "Cook County"),
    "entered_top_ten": (snap(period=W1, tops=[top(1, "Clark County", "NV", "32003", 51)]),
                        snap(tops=[T_CLARK, T_COOK]),
                        "entered_top_ten", "Cook County"),
    "left_top_ten": (snap(period=W1, tops=[T_CLARK, T_COOK]),
                     snap(tops=[top(1, "Clark County", "NV", "32003", 51)]), "left_top_ten", "Cook County"),
    "rank_moved": (snap(period=W1, tops=[T_CLARK, top(2, "Cook County", "IL", "17031", 50)]),
                   snap(tops=[top(1, "Cook County", "IL", "17031", 50), top(2, "Clark County", "NV", "32003", 51)]),
                   "rank_moved", "Cook County"),
    "top_ten_count_changed": (snap(period=W1, tops=[top(1, "Clark County", "NV", "32003", 51)]),
                              snap(tops=[top(1, "Clark County", "NV", "32003", 60)]), "top_ten_count_changed",
                              "Clark County"),
    "nationwide_total_changed": (snap(period=W1, total=3083), snap(total=2825), "nationwide_total_changed", None),
    "declined_total_changed": (snap(period=W1, places=[CLARK]), snap(places=[replace(CLARK, declined=5)]),
                               "declined_total_changed", None),
    "policy_added": (snap(period=W1), snap(policies=[Policy("TX", "Travis County", "48453", "Policy", "x", 3)]),
                     "policy_added", "Travis County"),
    "policy_removed": (snap(period=W1, policies=[Policy("TX", "Travis County", "48453", "Policy", "x", 3)]), snap(),
                       "policy_removed", "Travis County"),
    "policy_type_changed": (snap(period=W1, policies=[Policy("TX", "Travis County", "48453", "Policy", "x", 3)]),
                            snap(policies=[Policy("TX", "Travis County", "48453", "Law", "x", 3)]),
                            "policy_type_changed", "Travis County"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_diff_reports_each_change_kind(case: str) -> None:
    previous, current, kind, name = CASES[case]
    changes = diff(previous, current)
    matching = [c for c in changes if c.kind == kind and (name is None or c.jurisdiction == name)]
    assert len(matching) == 1, changes


def test_first_report_is_a_baseline_not_a_list_of_new_places() -> None:
    assert kinds(diff(None, snap(places=[CLARK, COOK]))) == ["first_report"]


def test_same_named_counties_in_different_states_never_merge() -> None:
    franklins = [place("Franklin County", s, f, 1) for s, f in (("IA", "19069"), ("NY", "36033"), ("PA", "42055"))]
    changes = diff(snap(period=W1, places=franklins[:1]), snap(places=franklins))
    assert sorted((c.kind, c.state) for c in changes if c.kind == "newly_listed") == [
        ("newly_listed", "NY"), ("newly_listed", "PA")]


def test_spellings_of_one_place_match_without_fips() -> None:
    a = place("CLARK COUNTY", "NV", None, 1)
    b = place("Clark County", "NV", None, 1)
    c = place("Clark", "NV", None, 1)
    assert a.key == b.key == c.key
    assert diff(snap(period=W1, places=[a]), snap(places=[c])) == []


def test_a_revision_is_a_correction_naming_rows_and_values() -> None:
    row = DeclinedDetainer("IA", "Franklin County", "19069", None, None, "Mexico", dt.date(2017, 1, 2),
                           dt.date(2017, 1, 30), ("Assault",), 4)
    moved = replace(row, state="PA", county="Franklin County", county_fips="42055")
    old = snap(period=W1, places=[place("Franklin County", "IA", "19069", 1)], rows=[row], report_id=1, sha="a" * 64)
    new = snap(period=W1, revision=2, places=[place("Franklin County", "PA", "42055", 1)], rows=[moved],
               before=[])
    changes = diff(old, new)
    assert changes[0].kind == "correction" and changes[0].before == "a" * 64
    assert {"row_removed", "row_added", "newly_listed", "no_longer_listed"} <= set(kinds(changes))
    removed = next(c for c in changes if c.kind == "row_removed")
    assert removed.state == "IA" and removed.page == 4


def test_a_revision_reports_changed_counts_per_place() -> None:
    old = snap(period=W1, places=[place("Travis County", "TX", "48453", 142)], report_id=1, sha="a" * 64)
    new = snap(period=W1, revision=2, places=[place("Travis County", "TX", "48453", 139)])
    change = next(c for c in diff(old, new) if c.kind == "declined_count_changed")
    assert (change.before, change.after) == (142, 139)


PLACES = [("Clark County", "NV", "32003"), ("Cook County", "IL", "17031"), ("Travis County", "TX", "48453"),
          ("Franklin County", "IA", "19069"), ("Franklin County", "NY", "36033"), ("Doña Ana County", "NM", None),
          ("Nassau County", "NY", "36059"), ("King County", "WA", "53033"), ("Dane County", "WI", "55025"),
          ("Kings County", "NY", "36047"), ("Harris County", "TX", "48201"), ("Alachua County", "FL", "12001")]

top_tens = st.lists(st.tuples(st.sampled_from(PLACES), st.integers(0, 500)), max_size=10,
                    unique_by=lambda t: t[0]).map(
    lambda items: tuple(top(i + 1, p[0], p[1], p[2], n) for i, (p, n) in enumerate(items)))
listings = st.lists(st.tuples(st.sampled_from(PLACES), st.integers(1, 50)), max_size=12,
                    unique_by=lambda t: t[0]).map(lambda items: tuple(place(p[0], p[1], p[2], n) for p, n in items))


@settings(max_examples=150, deadline=None)
@given(tops=top_tens, places=listings)
def test_diff_of_a_report_with_itself_is_empty(tops, places) -> None:  # type: ignore[no-untyped-def]
    report = snap(tops=tops, places=places)
    assert diff(report, replace(report, report_id=3)) == []
    assert diff(replace(report, period_start=W1[0], period_end=W1[1]), report) == []


@settings(max_examples=200, deadline=None)
@given(before=top_tens, after=top_tens)
def test_applying_top_ten_changes_to_the_previous_gives_the_current(before, after) -> None:  # type: ignore[no-untyped-def]
    changes = diff(snap(period=W1, tops=before), snap(tops=after))
    replayed = apply_top_ten(before, changes)
    assert replayed == {jurisdiction_key(t.state, t.jurisdiction, t.county_fips): (t.rank, t.detainers_issued)
                        for t in after}


def test_three_weeks_and_a_correction_give_the_exact_change_lists(db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.changes import load_changes
    from ddor_watch.monitor.ingest import ingest_path
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    results = []
    for index, (_name, truth) in enumerate(series()):
        path = tmp_path / f"{index}.pdf"
        path.write_bytes(render_report(truth)[0])
        results.append(ingest_path(db, DataDir(data_dir), path))
    assert [r.revision for r in results] == [1, 1, 1, 2]

    def summary(report_id: int) -> list[tuple]:
        return [(c.kind, c.jurisdiction, c.state, c.before, c.after) for c in load_changes(db, report_id)]

    assert summary(results[0].report_id) == [("first_report", None, None, None, 5)]
    assert summary(results[1].report_id) == [
        ("nationwide_total_changed", None, None, 3083, 2825),
        ("declined_total_changed", None, None, 12, 8),
        ("top_ten_count_changed", "Clark County", "NV", 51, 44),
        ("rank_moved", "Cook County", "IL", 3, 2),
        ("top_ten_count_changed", "Cook County", "IL", 30, 35),
        ("rank_moved", "Montgomery County", "IA", 4, 3),
        ("rank_moved", "Snohomish County", "WA", 5, 4),
        ("top_ten_count_changed", "Snohomish County", "WA", 20, 22),
        ("rank_moved", "Franklin County", "NY", 6, 5),
        ("rank_moved", "Washington County", "OR", 7, 6),
        ("top_ten_count_changed", "Washington County", "OR", 15, 16),
        ("rank_moved", "Alachua County", "FL", 8, 7),
        ("rank_moved", "Franklin County", "IA", 9, 8),
        ("rank_moved", "Franklin County", "PA", 10, 9),
        ("entered_top_ten", "Kings County", "NY", None, 10),
        ("left_top_ten", "Nassau County", "NY", 2, None),
        ("newly_listed", "Cook County", "IL", None, 2),
        ("no_longer_listed", "Franklin County", "IA", 2, None),
        ("no_longer_listed", "Montgomery County", "IA", 1, None),
        ("policy_added", "Santa Clara County", "CA", None, "Policy"),
    ]
    assert summary(results[2].report_id) == [
        ("nationwide_total_changed", None, None, 2825, 2910),
        ("declined_total_changed", None, None, 8, 6),
        ("rank_moved", "Cook County", "IL", 2, 1),
        ("top_ten_count_changed", "Cook County", "IL", 35, 40),
        ("rank_moved", "Clark County", "NV", 1, 2),
        ("top_ten_count_changed", "Clark County", "NV", 44, 39),
        ("listed_again", "Franklin County", "IA", None, 1),
        ("newly_listed", "Kings County", "NY", None, 2),
        ("no_longer_listed", "Cook County", "IL", 2, None),
        ("no_longer_listed", "Doña Ana County", "NM", 1, None),
        ("no_longer_listed", "Clark County", "NV", 1, None),
    ]
    correction = summary(results[3].report_id)
    assert correction[0][0] == "correction"
    assert correction[1:4] == [
        ("declined_total_changed", None, None, 12, 11),
        ("newly_listed", "Franklin County", "PA", None, 2),
        ("no_longer_listed", "Franklin County", "IA", 2, None),
    ]
    assert ("no_longer_listed", "Montgomery County", "IA", 1, None) in correction
    assert [k for k, *_ in correction].count("row_removed") == 3
    assert [k for k, *_ in correction].count("row_added") == 2
