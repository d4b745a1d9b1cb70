"""The map of a jurisdiction-list change: states shaded, counties filled, cities drawn as
points; what was added in one colour, what was removed in another, the rest of the list light."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ddor_watch.db.records import ListEntry, ListLevel
from ddor_watch.publish import i18n
from ddor_watch.publish.geometry import EXTENT, INSET_BOXES, load_geometry, project_point
from ddor_watch.publish.map import BACKGROUND, BORDER, DPI, EMPTY, HEIGHT, WIDTH, MapResult, save_png

LISTED, ADDED, REMOVED = "#fdae6b", "#d94801", "#4a6fa5"
ALT_LIMIT = 1000


@dataclass(frozen=True)
class ListMapData:
    title: str                      # "DOJ sanctuary jurisdiction list, 8 Aug 2025"
    listed: tuple[ListEntry, ...]   # the list as it stands now
    added: tuple[ListEntry, ...]
    removed: tuple[ListEntry, ...]
    source_url: str
    subtitle: str = ""              # the line under the title, when the default does not fit the list
    legend: Legend | None = None
    language: str = i18n.ENGLISH   # of the map's own words (legend, subtitle, alt text); names stay as printed


@dataclass(frozen=True)
class Legend:
    added: str
    removed: str
    listed: str
    points: bool                    # the list has cities drawn as points


LIST_LEGEND = Legend(i18n.N_("added"), i18n.N_("removed"), i18n.N_("listed before and now"), True)
AGREEMENT_LEGEND = Legend(i18n.N_("new agreements"), i18n.N_("no longer listed"), i18n.N_("listed before and now"),
                          False)


def _colour(entry: ListEntry, data: ListMapData) -> str:
    if entry in data.added:
        return ADDED
    if entry in data.removed:
        return REMOVED
    return LISTED


def alt_text(data: ListMapData) -> str:
    def names(entries: tuple[ListEntry, ...]) -> str:
        return "; ".join(e.name for e in entries)

    words = i18n.translations(data.language)
    parts = [words.gettext("Map of the {title}: {count} entries;").format(title=data.title, count=len(data.listed))
             + " " + (f"{data.subtitle}." if data.subtitle
                      else words.gettext("states shaded, counties filled, cities as points."))]
    if data.added:
        parts.append(words.gettext("Added ({count}), in dark orange: {names}.").format(
            count=len(data.added), names=names(data.added)))
    if data.removed:
        parts.append(words.gettext("Removed ({count}), in blue: {names}.").format(
            count=len(data.removed), names=names(data.removed)))
    parts.append(words.gettext("Source: {url}.").format(url=data.source_url))
    text = " ".join(parts)
    return text if len(text) <= ALT_LIMIT else text[: ALT_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def render_list_map(data: ListMapData, output: Path, cache_dir: Path | None = None) -> MapResult:
    counties, states = load_geometry(cache_dir)
    by_county = {c.geoid: c for c in counties}
    by_state = {s.geoid: s for s in states}
    fig = plt.figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor=BACKGROUND)
    ax = fig.add_axes((0.01, 0.06, 0.98, 0.84))
    ax.set_axis_off()
    ax.set_aspect("equal")
    everything = (*data.listed, *data.removed)
    state_faces = {e.fips: _colour(e, data) for e in everything if e.level is ListLevel.STATE and e.fips}
    polygons, faces = [], []
    for state in states:
        for ring in state.rings:
            polygons.append(ring)
            faces.append(state_faces.get(state.geoid, EMPTY))
    ax.add_collection(PolyCollection(polygons, facecolors=faces, edgecolors=BORDER, linewidths=0.6,
                                     antialiaseds=False))
    # An agency (287(g)) fills its county; where a county holds several, what changed is drawn last.
    filled = sorted(((by_county[e.fips], _colour(e, data)) for e in everything
                     if e.level in (ListLevel.COUNTY, ListLevel.CITY, ListLevel.AGENCY) and e.fips
                     and e.fips in by_county), key=lambda item: item[1] != LISTED)
    ax.add_collection(PolyCollection([r for shape, _ in filled for r in shape.rings],
                                     facecolors=[c for shape, c in filled for _ in shape.rings],
                                     edgecolors="#333333", linewidths=0.6))
    ax.add_collection(LineCollection([r for s in by_state.values() for r in s.rings], colors="#555555",
                                     linewidths=0.5))
    for entry in everything:
        if entry.level is ListLevel.CITY and not entry.fips and entry.longitude is not None \
                and entry.latitude is not None and (point := project_point(entry.longitude, entry.latitude)):
            ax.plot([point[0]], [point[1]], marker="o", markersize=11, linestyle="none",
                    markerfacecolor=_colour(entry, data), markeredgecolor="#222222", markeredgewidth=1.0)
    ax.set_xlim(EXTENT[0], EXTENT[2])
    ax.set_ylim(EXTENT[1], EXTENT[3])
    words = i18n.translations(data.language)
    for area, (x0, y0, x1, y1) in INSET_BOXES.items():
        label = i18n.state_name(area, data.language)
        ax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color="#999999", linewidth=0.6)
        ax.text(x0 + 15_000, y1 - 20_000, label, fontsize=11, color="#555555", va="top")
    fig.text(0.5, 0.955, data.title, ha="center", fontsize=24, fontweight="bold")
    fig.text(0.5, 0.915, data.subtitle or words.gettext(
        "{added} added, {removed} removed; states shaded, counties filled, cities as points").format(
        added=len(data.added), removed=len(data.removed)), ha="center", fontsize=14, color="#333333")
    legend = data.legend or LIST_LEGEND
    handles: list[Artist] = [Patch(facecolor=ADDED, edgecolor="#999999", label=words.gettext(legend.added)),
                             Patch(facecolor=REMOVED, edgecolor="#999999", label=words.gettext(legend.removed)),
                             Patch(facecolor=LISTED, edgecolor="#999999", label=words.gettext(legend.listed))]
    if legend.points:
        handles.append(Line2D([], [], marker="o", markersize=11, markerfacecolor=LISTED, markeredgecolor="#222222",
                              linestyle="none", label=words.gettext("city")))
    # In the Atlantic: right of Florida, above the Puerto Rico box.
    fig.legend(handles=handles, loc="lower right", bbox_to_anchor=(0.995, 0.22), fontsize=13, frameon=False)
    fig.text(0.01, 0.02, words.gettext("Source: {url}").format(url=data.source_url), fontsize=12, color="#333333")
    png = save_png(fig, output)
    return MapResult(output, alt_text(data), int(WIDTH * DPI), int(HEIGHT * DPI), len(png), {})
