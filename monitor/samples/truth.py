"""Ground truth for generated reports: what a report says, before any layout."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

# (printed county name, USPS state, true county FIPS): known-good, including the places ICE
# itself confused in 2017 and names with non-ASCII letters or punctuation.
COUNTIES: tuple[tuple[str, str, str], ...] = (
    ("Travis County", "TX", "48453"), ("Clark County", "NV", "32003"), ("Nassau County", "NY", "36059"),
    ("Cook County", "IL", "17031"), ("Montgomery County", "IA", "19137"),
    ("Snohomish County", "WA", "53061"), ("Franklin County", "NY", "36033"),
    ("Washington County", "OR", "41067"), ("Alachua County", "FL", "12001"),
    ("Franklin County", "IA", "19069"), ("Franklin County", "PA", "42055"),
    ("Doña Ana County", "NM", "35013"), ("Williamson County", "TX", "48491"),
    ("Bastrop County", "TX", "48021"), ("Chester County", "PA", "42029"),
    ("Richmond County", "NC", "37153"), ("Harris County", "TX", "48201"),
    ("Miami-Dade County", "FL", "12086"), ("Orleans Parish", "LA", "22071"),
    ("St. Mary's County", "MD", "24037"), ("Los Angeles County", "CA", "06037"),
    ("King County", "WA", "53033"), ("Multnomah County", "OR", "41051"),
    ("Santa Clara County", "CA", "06085"), ("San Francisco County", "CA", "06075"),
    ("Denver County", "CO", "08031"), ("Hennepin County", "MN", "27053"), ("Dane County", "WI", "55025"),
    ("Philadelphia County", "PA", "42101"), ("Suffolk County", "MA", "25025"),
    ("Kings County", "NY", "36047"), ("Hidalgo County", "TX", "48215"), ("El Paso County", "TX", "48141"),
    ("Maricopa County", "AZ", "04013"), ("Salt Lake County", "UT", "49035"),
    ("Johnson County", "KS", "20091"), ("Prince George's County", "MD", "24033"),
    ("Montgomery County", "MD", "24031"), ("Fairfax County", "VA", "51059"),
    ("Marion County", "OR", "41047"), ("Washoe County", "NV", "32031"),
    ("Sacramento County", "CA", "06067"), ("Alameda County", "CA", "06001"),
    ("San Diego County", "CA", "06073"), ("Anchorage Municipality", "AK", "02020"),
    ("Honolulu County", "HI", "15003"), ("San Juan Municipio", "PR", "72127"),
)
CITIES = ("Austin", "Las Vegas", "Chicago", "Las Cruces", "Portland", "Seattle", "Houston", "Miami")
FACILITIES = (
    "County Jail", "Detention Center", "Adult Detention Center Annex Building",
    "Correctional Facility", "Sheriff's Office Central Booking and Intake Facility", "Justice Center",
)
CITIZENSHIPS = (
    "Mexico", "Guatemala", "Honduras", "El Salvador", "China", "India", "Dominican Republic",
    "Côte d'Ivoire", "Viet Nam", "Colombia", "Jamaica", "Ecuador",
)
OFFENCES = (
    "Assault", "Dangerous Drugs", "Traffic Offenses", "Burglary", "Larceny", "Weapon Offenses",
    "Obstructing Police", "Driving Under Influence Liquor", "Family Offenses", "Fraudulent Activities",
    "Stolen Vehicle", "Robbery", "Invasion of Privacy", "Public Peace", "Immigration",
    "Obstructing the Police and Judiciary Proceedings",
)
POLICY_TYPES = ("Law", "Regulation", "Policy", "Ordinance", "Executive Order")
POLICY_SENTENCES = (
    "The jurisdiction will not honor ICE detainers without a judicial warrant or court order.",
    "Detainers are honored only for individuals convicted of specified serious or violent felonies.",
    "Local officers may not inquire about immigration status during routine contacts.",
    "ICE officers are not granted access to inmates in custody without a signed consent form.",
    "The sheriff will not extend custody beyond the scheduled release time for civil immigration purposes.",
    "Notification of release dates to ICE is limited to cases with prior removal orders.",
)


@dataclass(frozen=True)
class TopRow:
    jurisdiction: str
    state: str
    fips: str
    detainers_issued: int


@dataclass(frozen=True)
class DeclinedRow:
    state: str
    county: str
    fips: str
    city: str | None
    facility: str | None
    citizenship: str | None
    issued: dt.date
    declined: dt.date
    offences: tuple[str, ...]


@dataclass(frozen=True)
class PolicyRow:
    state: str
    jurisdiction: str
    fips: str | None
    policy_type: str
    description: str


@dataclass(frozen=True)
class ReportTruth:
    period_start: dt.date
    period_end: dt.date
    detainers_issued_total: int
    top: tuple[TopRow, ...]
    declined: tuple[DeclinedRow, ...]
    policies: tuple[PolicyRow, ...]
    title: str = "Weekly Declined Detainer Outcome Report"
    caveat: str = (
        "Law enforcement agencies do not generally notify ICE when a detainer is not honored. "
        "Declined detainers appear in this report when ICE became aware of them, so the report "
        "is not a complete record of all declined detainers."
    )


def _declined_row(rng: random.Random, county: tuple[str, str, str], start: dt.date,
                  end: dt.date) -> DeclinedRow:
    name, state, fips = county
    declined = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    issued = declined - dt.timedelta(days=rng.randrange(0, 400))
    offences = () if rng.random() < 0.06 else tuple(rng.sample(OFFENCES, rng.choice((1, 1, 2, 3, 4))))
    facility = None if rng.random() < 0.12 else f"{name.split()[0]} {rng.choice(FACILITIES)}"
    return DeclinedRow(
        state=state, county=name, fips=fips,
        city=rng.choice(CITIES) if rng.random() < 0.3 else None,
        facility=facility, citizenship=rng.choice(CITIZENSHIPS), issued=issued, declined=declined,
        offences=offences,
    )


def make_truth(seed: int, *, rows: int | None = None, policies: int | None = None,
               period_start: dt.date = dt.date(2017, 1, 28),
               counties: tuple[tuple[str, str, str], ...] | None = None) -> ReportTruth:
    """A random but plausible report. `rows` declined detainers (default 5 to 120), listed
    from `counties` (default: all); the top ten and policies always draw from all."""
    rng = random.Random(seed)
    end = period_start + dt.timedelta(days=6)
    pool = list(counties or COUNTIES)
    n_rows = rows if rows is not None else rng.randrange(5, 120)
    listed = rng.sample(pool, min(len(pool), rng.randrange(3, 15)))
    declined = tuple(_declined_row(rng, rng.choice(listed), period_start, end) for _ in range(n_rows))
    top_places = rng.sample(COUNTIES, 10)
    counts = sorted(rng.sample(range(8, 120), 10), reverse=True)
    top = tuple(TopRow(n, s, f, c) for (n, s, f), c in zip(top_places, counts, strict=True))
    n_policies = policies if policies is not None else rng.randrange(1, 12)
    policy_rows = []
    for name, state, fips in rng.sample(COUNTIES, min(n_policies, len(COUNTIES))):
        sentences = rng.sample(POLICY_SENTENCES, rng.randrange(1, len(POLICY_SENTENCES) + 1))
        policy_rows.append(PolicyRow(state, name, fips, rng.choice(POLICY_TYPES), " ".join(sentences)))
    return ReportTruth(
        period_start=period_start, period_end=end,
        detainers_issued_total=rng.randrange(2000, 4000), top=top, declined=declined,
        policies=tuple(policy_rows),
    )


def truth_week(week: int, seed: int = 2017, rows: int = 40) -> ReportTruth:
    """Week `week` (0-based) of a consistent series starting Jan 28, 2017, for demos and diffs."""
    start = dt.date(2017, 1, 28) + dt.timedelta(days=7 * week)
    base = make_truth(seed + week, rows=rows, period_start=start)
    return replace(base, title="Weekly Declined Detainer Outcome Report")
