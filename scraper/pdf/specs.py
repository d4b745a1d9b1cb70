"""The three tables of a DDOR, described by the header words ICE has used (and synonyms)."""

from scraper.pdf.normalize import looks_like_date, parse_int, state_code
from scraper.pdf.tables import ColumnSpec, TableSpec


def _is_count(text: str) -> bool:
    return parse_int(text) is not None


def _is_state(text: str) -> bool:
    return state_code(text) is not None

TOP_TEN = TableSpec(
    name="Section I (top ten)",
    columns=(
        ColumnSpec("rank", ("Rank", "No.", "#")),
        ColumnSpec("jurisdiction", ("Jurisdiction", "County", "Jurisdiction (County)", "County Name",
                                    "Non-Cooperative Jurisdiction"), required=True),
        ColumnSpec("state", ("State",), required=True),
        ColumnSpec("issued", ("Detainers Issued", "Number of Detainers Issued", "Detainers",
                              "Total Detainers Issued", "Number of Detainers", "Issued"), required=True),
    ),
    anchors=("issued",),
    keys=("jurisdiction", "state", "issued"),
    complete_checks=(("issued", _is_count),),
)

DECLINED = TableSpec(
    name="Section II (declined detainers)",
    columns=(
        ColumnSpec("state", ("State",), required=True),
        ColumnSpec("county", ("County", "Jurisdiction", "County/Jurisdiction", "County Name"), required=True),
        ColumnSpec("city", ("City",)),
        ColumnSpec("facility", ("Facility", "Facility Name", "Jail", "Detention Facility")),
        ColumnSpec("citizenship", ("Citizenship", "Country of Citizenship", "Nationality")),
        ColumnSpec("issued", ("Detainer Issued Date", "Date Detainer Issued", "Issued Date", "Date Issued",
                              "Detainer Date", "Detainer Issue Date")),
        ColumnSpec("declined", ("Declined Date", "Date Declined", "Detainer Declined Date",
                                "Date Detainer Declined", "Declined"), required=True),
        ColumnSpec("offences", ("Notable Criminal Activity", "Crimes", "Criminal Activity", "Offenses",
                                "Notable Criminal History", "Offense", "Crime")),
    ),
    anchors=("issued", "declined"),
    keys=("state", "county", "issued", "declined"),
    complete_checks=(("issued", looks_like_date), ("declined", looks_like_date)),
)

POLICIES = TableSpec(
    name="Section III (policies)",
    columns=(
        ColumnSpec("state", ("State",), required=True),
        ColumnSpec("jurisdiction", ("Jurisdiction", "County", "City/County", "Jurisdiction Name",
                                    "County/City"), required=True),
        ColumnSpec("policy_type", ("Type", "Policy Type", "Type of Policy", "Law/Regulation/Policy",
                                   "Law, Regulation, Policy, Ordinance or Executive Order")),
        ColumnSpec("description", ("Description", "Policy Description", "Summary", "Policy"), required=True),
    ),
    anchors=("state",),
    keys=("state", "jurisdiction", "policy_type"),
    complete_checks=(("state", _is_state),),
)

ALL = (TOP_TEN, DECLINED, POLICIES)
