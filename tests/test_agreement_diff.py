"""The agreement matcher: what ICE only re-spelled is a correction, never an end plus a new
agreement; what the evidence cannot decide is held."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from ddor_watch.db.records import ListChangeKind, ListEntry, ListLevel
from ddor_watch.monitor.agreement_diff import core, diff_agreements

K = ListChangeKind
D = dt.date(2025, 5, 21)


def agreement(name: str, state: str = "FL", support: str = "Task Force Model", signed: dt.date | None = D,
              part: str = "participating", fips: str | None = None, moa: str | None = None) -> ListEntry:
    return ListEntry(part, ListLevel.AGENCY, name, state, fips, support_type=support, signed=signed, moa_url=moa)


def kinds(before: list[ListEntry], after: list[ListEntry]) -> list[tuple[ListChangeKind, str]]:
    return [(c.kind, c.entry.name if c.entry else "") for c in diff_agreements(tuple(before), tuple(after))]


BASE = [agreement("Polk County Sheriff's Office", fips="12105"), agreement("Lee County Sheriff's Office"),
        agreement("Texas Department of Public Safety", "TX", "Warrant Service Officer", dt.date(2025, 2, 1))]


def test_core_keeps_the_place_and_drops_the_kind_of_body() -> None:
    assert core("City of Ft. Myers Police Department") == core("Fort Myers Police Department") == "FORT MYERS"
    assert core("Polk County Board of County Commissioners") == core("Polk County Sheriff\u2019s Office") == "POLK"
    assert core("Sheriff's Office") == "SHERIFF S OFFICE", "nothing left: the whole name"


def test_same_list_is_no_change() -> None:
    assert kinds(BASE, list(BASE)) == []


def test_new_and_ended_agreements() -> None:
    new = agreement("Collier County Sheriff's Office", signed=dt.date(2025, 5, 22))
    assert kinds(BASE, [BASE[0], BASE[2], new]) == [(K.ADDED, new.name), (K.REMOVED, BASE[1].name)]


def test_respelled_agency_is_a_rename_not_an_end_and_a_new_agreement() -> None:
    for before, after in [("Ft. Myers Police Department", "Fort Myers Police Department"),
                          ("Hernado County Sheriff's Office", "Hernando County Sheriff's Office"),
                          ("Polk County Sheriff's Office", "Polk County Board of County Commissioners"),
                          ("Town of Palm Beach Police Department", "Palm Beach Police Department")]:
        changes = diff_agreements((agreement(before),), (agreement(after),))
        assert [(c.kind, c.entry and c.entry.name, c.before and c.before.name) for c in changes] == [
            (K.RENAMED, after, before)], before


def test_a_corrected_state_with_the_same_date_is_a_rename() -> None:
    changes = diff_agreements((agreement("Gaston County Sheriff's Office", "SC"),),
                              (agreement("Gaston County Sheriff's Office", "NC"),))
    assert [(c.kind, c.before and c.before.state, c.entry and c.entry.state) for c in changes] == [
        (K.RENAMED, "SC", "NC")]


def test_a_duplicate_row_that_goes_is_a_correction() -> None:
    assert kinds([*BASE, BASE[1]], BASE) == [(K.DUPLICATE_REMOVED, BASE[1].name)]
    assert kinds(BASE, [*BASE, BASE[1]]) == [(K.DUPLICATE_ADDED, BASE[1].name)]


def test_a_respelled_duplicate_that_goes_while_the_agreement_stays_is_a_correction() -> None:
    typo = agreement("Lee Cnty Sheriff's Office")
    assert kinds([*BASE, typo], BASE) == [(K.DUPLICATE_REMOVED, typo.name)]


def test_a_new_row_that_reads_like_a_listed_agreement_is_held_not_posted_or_hidden() -> None:
    twin = agreement("Lee County Board of County Commissioners")
    assert kinds(BASE, [*BASE, twin]) == [(K.UNDECIDED, twin.name)]


def test_numbers_tell_agencies_apart() -> None:
    fourth = agreement("Harris County Constable Precinct 4", "TX")
    fifth = agreement("Harris County Constable Precinct 5", "TX")
    assert kinds([fourth], [fourth, fifth]) == [(K.ADDED, fifth.name)]
    assert kinds([fourth], [fifth]) == [(K.ADDED, fifth.name), (K.REMOVED, fourth.name)]


def test_signed_date_and_moa_edits_on_the_same_row() -> None:
    after = [replace(BASE[0], signed=dt.date(2025, 5, 20)), replace(BASE[1], moa_url="https://x/moa.pdf"), BASE[2]]
    assert kinds(BASE, after) == [(K.SIGNED_DATE_CHANGED, BASE[0].name), (K.MOA_PUBLISHED, BASE[1].name)]


def test_a_name_change_with_a_new_date_is_held_not_guessed() -> None:
    before = agreement("Ft. Myers Police Department")
    after = agreement("Fort Myers Police Department", signed=dt.date(2025, 6, 1))
    assert kinds([before], [after]) == [(K.UNDECIDED, after.name)]


def test_two_candidates_for_one_row_are_held() -> None:
    gone = agreement("Marion County Sheriff's Office")
    twins = [agreement("Marion County Sheriffs Office"), agreement("Marion County Sheriff Office")]
    assert [k for k, _ in kinds([gone], twins)] == [K.UNDECIDED, K.UNDECIDED]


def test_another_agency_in_the_same_county_on_the_same_day_is_held() -> None:
    gone = agreement("Polk County Sheriff's Office", fips="12105")
    new = agreement("Lakeland Police Department", fips="12105")
    assert kinds([gone], [new]) == [(K.UNDECIDED, new.name)]


def test_another_agency_elsewhere_is_a_new_agreement_and_an_end() -> None:
    gone = agreement("Polk County Sheriff's Office", fips="12105")
    new = agreement("Walton County Sheriff's Office", fips="12131")
    assert kinds([gone], [new]) == [(K.ADDED, new.name), (K.REMOVED, gone.name)]


def test_a_pending_request_that_left_while_the_agency_signed_is_signed() -> None:
    request = agreement("Harris County Constable Precinct 4", "TX", "Warrant Service Officer", None, "pending")
    signed = agreement("Harris County Constable Precinct 4", "TX", "Warrant Service Officer", D)
    withdrawn = agreement("Pinal County Sheriff's Office", "AZ", "Task Force Model", None, "pending")
    changes = diff_agreements((*BASE, request, withdrawn), (*BASE, signed))
    assert [(c.kind, c.entry and c.entry.list_name) for c in changes] == [
        (K.ADDED, "participating"), (K.SIGNED, "participating"), (K.REMOVED, "pending")]


names = st.from_regex(r"[A-Z][a-z]{3,9}( [A-Z][a-z]{3,9})?", fullmatch=True)
rows = st.lists(st.tuples(names, st.sampled_from(["FL", "TX", "GA"]),
                          st.sampled_from(["Task Force Model", "Jail Enforcement Model"]),
                          st.dates(dt.date(2019, 1, 1), dt.date(2025, 12, 31))), max_size=12,
                unique_by=lambda r: (r[0], r[1], r[2]))


@settings(max_examples=60, deadline=None)
@given(rows)
def test_re_labelling_every_agency_never_reads_as_ended(listed: list[tuple[str, str, str, dt.date]]) -> None:
    before = [agreement(f"{n} County Sheriff's Office", s, m, d) for n, s, m, d in listed]
    after = [agreement(f"{n} Sheriff Office", s, m, d) for n, s, m, d in listed]
    found = {c.kind for c in diff_agreements(tuple(before), tuple(after))}
    assert not found & {K.REMOVED, K.ADDED}
    assert diff_agreements(tuple(before), tuple(before)) == []
