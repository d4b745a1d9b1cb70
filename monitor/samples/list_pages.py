"""Replica jurisdiction-list pages for the demo and the tests, built from a ground truth:
DOJ's markup (STATES / COUNTIES / CITIES headings over bulleted lists, with site chrome
around them) and DHS's (one table with a heading row per level)."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

DOJ_PATH = "/ag/sanctuary-jurisdictions"
DHS_PATH = "/sanctuary-jurisdictions"


@dataclass(frozen=True)
class ListTruth:
    states: tuple[str, ...]
    counties: tuple[str, ...]     # "Baltimore County, MD"
    cities: tuple[str, ...]       # "San Francisco City, CA"
    chrome: str = "Updated August 5, 2025"   # page chrome: changing it changes no entry

    def without(self, name: str) -> ListTruth:
        return replace(self, states=tuple(s for s in self.states if s != name),
                       counties=tuple(c for c in self.counties if c != name),
                       cities=tuple(c for c in self.cities if c != name))


DOJ_AUGUST_2025 = ListTruth(
    states=("California", "Colorado", "Connecticut", "Delaware", "District of Columbia", "Illinois", "Minnesota",
            "Nevada", "New Jersey", "New York", "Oregon", "Rhode Island", "Vermont", "Washington"),
    counties=("Baltimore County, MD", "Cook County, IL", "Hennepin County, MN", "San Diego County, CA"),
    cities=("Albuquerque City, NM", "Berkeley City, CA", "Boston City, MA", "Chicago City, IL", "Denver City, CO",
            "Hoboken City, NJ", "Jersey City, NJ", "Los Angeles City, CA", "New Orleans City, LA",
            "New York City, NY", "Newark City, NJ", "Paterson City, NJ", "Philadelphia City, PA",
            "Rochester City, NY", "San Francisco City, CA", "Seattle City, WA"),
)


def doj_page(truth: ListTruth) -> str:
    def section(title: str, items: tuple[str, ...]) -> str:
        entries = "".join(f"<li>{html.escape(item)}</li>" for item in items)
        return f"<h2>{title}</h2><ul>{entries}</ul>"

    return ("<!DOCTYPE html><html><head><title>Sanctuary Jurisdiction List | Office of the Attorney General"
            "</title></head><body><header><nav><ul><li><a href='/'>Home</a></li><li>About DOJ</li>"
            "<li>States</li></ul></nav></header><main><h1>Sanctuary Jurisdiction List</h1>"
            f"<p>{html.escape(truth.chrome)}. The following jurisdictions were identified pursuant to Executive "
            "Order 14287.</p>"
            + section("STATES", truth.states) + section("COUNTIES", truth.counties)
            + section("CITIES", truth.cities)
            + "</main><footer><ul><li>Cities</li><li>Privacy Policy</li></ul></footer></body></html>")


def dhs_page(truth: ListTruth) -> str:
    def rows(title: str, items: tuple[str, ...]) -> str:
        cells = "".join(f"<tr><td>{html.escape(name)}</td><td>{html.escape(state)}</td></tr>"
                        for name, _, state in (item.rpartition(", ") if ", " in item else (item, "", "")
                                               for item in items))
        return f"<tr><th colspan='2'>{title}</th></tr>{cells}"

    return ("<!DOCTYPE html><html><head><title>Sanctuary Jurisdictions | Homeland Security</title></head><body>"
            "<nav><a href='/'>DHS</a></nav><main><h1>Sanctuary Jurisdictions Defying Federal Immigration Law</h1>"
            f"<p>{html.escape(truth.chrome)}</p><table>"
            + rows("States", truth.states) + rows("Counties", truth.counties) + rows("Cities", truth.cities)
            + "</table></main></body></html>")
