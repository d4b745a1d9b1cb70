"""A small consistent series: three weeks and ICE's kind of correction, for demos and e2e tests.

Week 1 echoes the real first report's top ten (Clark County NV first with 51); the correction
of week 1 re-attributes Franklin County IA rows to Franklin County PA and drops a Montgomery
County IA row, the kind of mistake ICE corrected in March 2017.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ddor_watch.monitor.samples.truth import DeclinedRow, PolicyRow, ReportTruth, TopRow

PLACES = {
    "travis": ("Travis County", "TX", "48453"), "clark": ("Clark County", "NV", "32003"),
    "nassau": ("Nassau County", "NY", "36059"), "cook": ("Cook County", "IL", "17031"),
    "montgomery_ia": ("Montgomery County", "IA", "19137"), "snohomish": ("Snohomish County", "WA", "53061"),
    "franklin_ny": ("Franklin County", "NY", "36033"), "washington_or": ("Washington County", "OR", "41067"),
    "alachua": ("Alachua County", "FL", "12001"), "franklin_ia": ("Franklin County", "IA", "19069"),
    "franklin_pa": ("Franklin County", "PA", "42055"), "kings": ("Kings County", "NY", "36047"),
    "dona_ana": ("Doña Ana County", "NM", "35013"), "santa_clara": ("Santa Clara County", "CA", "06085"),
}
OFFENCES = (("Assault",), ("Dangerous Drugs", "Traffic Offenses"), (), ("Burglary",),
            ("Driving Under Influence Liquor", "Obstructing Police", "Public Peace"))
CITIZENSHIP = ("Mexico", "Guatemala", "Honduras", "El Salvador", "Côte d'Ivoire")


def _rows(start: dt.date, counts: dict[str, int]) -> tuple[DeclinedRow, ...]:
    rows = []
    i = 0
    for key, n in counts.items():
        name, state, fips = PLACES[key]
        for _ in range(n):
            declined = start + dt.timedelta(days=i % 7)
            rows.append(DeclinedRow(state, name, fips, None if i % 3 else "Austin" if state == "TX" else None,
                                    f"{name.split()[0]} County Jail" if i % 4 else None, CITIZENSHIP[i % 5],
                                    declined - dt.timedelta(days=20 + 3 * i), declined, OFFENCES[i % 5]))
            i += 1
    return tuple(rows)


def _top(entries: list[tuple[str, int]]) -> tuple[TopRow, ...]:
    return tuple(TopRow(*PLACES[key], n) for key, n in entries)


_POLICIES = {
    "travis": PolicyRow("TX", "Travis County", "48453", "Policy",
                        "The sheriff honors ICE detainers only for people charged with capital murder, "
                        "aggravated sexual assault or continuous smuggling of persons, or with a judicial warrant."),
    "cook": PolicyRow("IL", "Cook County", "17031", "Ordinance",
                      "Detainers are not honored unless ICE presents a criminal warrant issued by a judge."),
    "santa_clara": PolicyRow("CA", "Santa Clara County", "06085", "Policy",
                             "Civil immigration detainers are honored only with a judicial warrant and for "
                             "people with serious or violent felony convictions."),
}


def series() -> list[tuple[str, ReportTruth]]:
    """[(file name, truth)] in publication order: three weeks, then the correction of week 1."""
    w1 = dt.date(2017, 1, 28)
    w2, w3 = w1 + dt.timedelta(days=7), w1 + dt.timedelta(days=14)
    week1 = ReportTruth(
        period_start=w1, period_end=w1 + dt.timedelta(days=6), detainers_issued_total=3083,
        top=_top([("clark", 51), ("nassau", 38), ("cook", 30), ("montgomery_ia", 25), ("snohomish", 20),
                  ("franklin_ny", 18), ("washington_or", 15), ("alachua", 12), ("franklin_ia", 10),
                  ("franklin_pa", 9)]),
        declined=_rows(w1, {"travis": 6, "clark": 2, "franklin_ia": 2, "montgomery_ia": 1, "dona_ana": 1}),
        policies=(_POLICIES["travis"], _POLICIES["cook"]))
    week2 = ReportTruth(
        period_start=w2, period_end=w2 + dt.timedelta(days=6), detainers_issued_total=2825,
        top=_top([("clark", 44), ("cook", 35), ("montgomery_ia", 25), ("snohomish", 22), ("franklin_ny", 18),
                  ("washington_or", 16), ("alachua", 12), ("franklin_ia", 10), ("franklin_pa", 9),
                  ("kings", 8)]),
        declined=_rows(w2, {"travis": 4, "clark": 1, "cook": 2, "dona_ana": 1}),
        policies=(_POLICIES["travis"], _POLICIES["cook"], _POLICIES["santa_clara"]),
        title="Weekly Declined Detainer Outcome Report")
    week3 = ReportTruth(
        period_start=w3, period_end=w3 + dt.timedelta(days=6), detainers_issued_total=2910,
        top=_top([("cook", 40), ("clark", 39), ("montgomery_ia", 25), ("snohomish", 22), ("franklin_ny", 18),
                  ("washington_or", 16), ("alachua", 12), ("franklin_ia", 10), ("franklin_pa", 9),
                  ("kings", 8)]),
        declined=_rows(w3, {"travis": 3, "kings": 2, "franklin_ia": 1}),
        policies=(_POLICIES["travis"], _POLICIES["cook"], _POLICIES["santa_clara"]))
    moved = tuple(replace(r, state="PA", fips="42055") if r.fips == "19069" else r
                  for r in week1.declined if r.fips != "19137")
    correction = replace(week1, declined=moved)
    return [("ddor2017_01-28to02-03.pdf", week1), ("ddor2017_02-04to02-10.pdf", week2),
            ("ddor2017_02-11to02-17.pdf", week3), ("ddor2017_01-28to02-03.pdf", correction)]
