"""US states and territories by USPS code, with their English names: one table for the parser
(which reads names), the publishing room (which words them per locale through the catalogs:
the names are catalog ids, marked for `pybabel extract`) and the site."""

from __future__ import annotations


def N_(name: str) -> str:  # noqa: N802 (gettext's name for a marker; db imports nothing of ours)
    return name


STATE_NAMES: dict[str, str] = {
    "AL": N_("Alabama"), "AK": N_("Alaska"), "AZ": N_("Arizona"), "AR": N_("Arkansas"), "CA": N_("California"),
    "CO": N_("Colorado"), "CT": N_("Connecticut"), "DE": N_("Delaware"), "DC": N_("District of Columbia"),
    "FL": N_("Florida"), "GA": N_("Georgia"), "HI": N_("Hawaii"), "ID": N_("Idaho"), "IL": N_("Illinois"),
    "IN": N_("Indiana"), "IA": N_("Iowa"), "KS": N_("Kansas"), "KY": N_("Kentucky"), "LA": N_("Louisiana"),
    "ME": N_("Maine"), "MD": N_("Maryland"), "MA": N_("Massachusetts"), "MI": N_("Michigan"),
    "MN": N_("Minnesota"), "MS": N_("Mississippi"), "MO": N_("Missouri"), "MT": N_("Montana"),
    "NE": N_("Nebraska"), "NV": N_("Nevada"), "NH": N_("New Hampshire"), "NJ": N_("New Jersey"),
    "NM": N_("New Mexico"), "NY": N_("New York"), "NC": N_("North Carolina"), "ND": N_("North Dakota"),
    "OH": N_("Ohio"), "OK": N_("Oklahoma"), "OR": N_("Oregon"), "PA": N_("Pennsylvania"),
    "RI": N_("Rhode Island"), "SC": N_("South Carolina"), "SD": N_("South Dakota"), "TN": N_("Tennessee"),
    "TX": N_("Texas"), "UT": N_("Utah"), "VT": N_("Vermont"), "VA": N_("Virginia"), "WA": N_("Washington"),
    "WV": N_("West Virginia"), "WI": N_("Wisconsin"), "WY": N_("Wyoming"), "PR": N_("Puerto Rico"),
    "GU": N_("Guam"), "VI": N_("U.S. Virgin Islands"), "AS": N_("American Samoa"),
    "MP": N_("Northern Mariana Islands"),
}
