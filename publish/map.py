"""The county map snapshot: declined detainers per county, top ten outlined and numbered,
newly listed places marked, insets for Alaska, Hawaii and Puerto Rico. Deterministic PNG
about 1600×1000 and under Bluesky's 976 KB blob limit, with alt text written from the data.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# Place names come from the PDF: "$" in one must never start mathtext (it crashed the map once).
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt  # noqa: E402
from babel.support import NullTranslations  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ddor_watch.db.records import Change, ChangeKind, ReportSnapshot  # noqa: E402
from ddor_watch.db.text import jurisdiction_key  # noqa: E402
from ddor_watch.publish import i18n  # noqa: E402
from ddor_watch.publish.context import period_text  # noqa: E402
from ddor_watch.publish.geometry import EXTENT, INSET_BOXES, interior_point, load_geometry  # noqa: E402

MAX_BYTES = 976_560
ALT_LIMIT = 1000   # X's alt text limit, the smallest of the three networks
WIDTH, HEIGHT, DPI = 16.0, 10.0, 100
BINS = ((1, 1, "1"), (2, 4, "2–4"), (5, 9, "5–9"), (10, 24, "10–24"), (25, 10**9, i18n.N_("25 or more")))
COLOURS = ("#fdd49e", "#fc8d59", "#e34a33", "#b30000", "#7f0000")
EMPTY, BORDER, BACKGROUND = "#eeeeee", "#ffffff", "#ffffff"


@dataclass(frozen=True)
class MapData:
    period: str
    counts: dict[str, int]
    top: list[tuple[int, str, str]]            # (rank, fips, label)
    newly_listed: set[str]
    unresolved: list[str]
    total_declined: int = 0
    names: dict[str, str] = field(default_factory=dict)
    revision: int = 1   # a correction's map says so in its title and alt text
    previous_total: int | None = None
    source_url: str = ""
    language: str = i18n.ENGLISH           # the language of its title, legend and alt text
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @property
    def period_words(self) -> str:
        if self.language == i18n.ENGLISH or self.period_start is None:
            return self.period
        return i18n.period(self.period_start, self.period_end, self.language)

    @property
    def label(self) -> str:
        if self.revision == 1:
            return self.period_words
        return self.words.gettext("corrected, revision {revision}, {period}").format(
            revision=self.revision, period=self.period_words)

    @property
    def words(self) -> NullTranslations:
        return i18n.translations(self.language)

    def number(self, value: int) -> str:
        return str(value) if self.language == i18n.ENGLISH else i18n.number(value, self.language)


@dataclass(frozen=True)
class MapResult:
    path: Path
    alt_text: str
    width: int
    height: int
    size: int
    pixels: dict[str, tuple[int, int]]     # fips -> (x, y) of its interior point in the PNG


def map_file_name(period_end: dt.date | None, revision: int, language: str = i18n.ENGLISH) -> str:
    """Where a report revision's map is kept in the data dir's maps folder, per language; the
    outbox draws it and the site finds it by this name."""
    return f"{period_end}-r{revision}{i18n.suffix(language)}.png"


def colour_for(count: int) -> str:
    for (low, high, _label), colour in zip(BINS, COLOURS, strict=True):
        if low <= count <= high:
            return colour
    return EMPTY


def map_data(snapshot: ReportSnapshot, newly_listed_keys: set[str] | None = None,
             previous_total: int | None = None) -> MapData:
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    unresolved = []
    for j in snapshot.jurisdictions:
        if j.county_fips:
            counts[j.county_fips] = counts.get(j.county_fips, 0) + j.declined
            names[j.county_fips] = f"{j.name}, {j.state}"
        else:
            unresolved.append(f"{j.name}, {j.state or '?'} ({j.declined})")
    top = [(t.rank, t.county_fips, f"{t.jurisdiction}, {t.state}") for t in snapshot.top_jurisdictions
           if t.county_fips]
    unresolved += [f"{t.jurisdiction}, {t.state or '?'} (top ten #{t.rank})" for t in snapshot.top_jurisdictions
                   if not t.county_fips]
    new = {j.county_fips for j in snapshot.jurisdictions if j.county_fips and j.key in (newly_listed_keys or set())}
    return MapData(period_text(snapshot.period_start, snapshot.period_end), counts, top, new, unresolved,
                   snapshot.declined_total, names, snapshot.revision, previous_total, snapshot.source_url or "",
                   period_start=snapshot.period_start, period_end=snapshot.period_end)


def newly_listed_keys(changes: Iterable[Change]) -> set[str]:
    return {jurisdiction_key(c.state, c.jurisdiction, c.county_fips) for c in changes
            if c.kind is ChangeKind.NEWLY_LISTED}


def alt_text(data: MapData) -> str:
    """What the map shows, most important first (the period, the totals, the top county, how many
    newly listed, the source), then details; cut at a word with an ellipsis at 1,000 characters.
    In the map's language; places as the report prints them."""
    words, number = data.words, data.number
    total = words.ngettext("{count} declined detainer", "{count} declined detainers", data.total_declined).format(
        count=number(data.total_declined))
    if data.previous_total is not None:
        total += " " + words.gettext("({count} in the report before)").format(count=number(data.previous_total))
    parts = [words.gettext("Map of US counties shaded by the number of declined detainers listed in ICE's Declined "
                           "Detainer Outcome Report for {label}: {total}, {counties} counties shaded.").format(
        label=data.label, total=total, counties=number(len(data.counts)))]
    if data.top:
        parts.append(words.gettext("First by detainers issued: {place}; the top ten are outlined and numbered.")
                     .format(place=data.top[0][2]))
    if data.newly_listed:
        parts.append(words.gettext("Newly listed: {count}, marked with a star.").format(
            count=number(len(data.newly_listed))))
    parts.append(words.gettext("Source: ICE{url}.").format(url=", " + data.source_url if data.source_url else ""))
    leading = sorted(data.counts.items(), key=lambda kv: (-kv[1], data.names.get(kv[0], kv[0])))[:5]
    if leading:
        parts.append(words.gettext("Most declined: {places}.").format(
            places="; ".join(f"{data.names.get(f, f)} {n}" for f, n in leading)))
    if data.newly_listed:
        parts.append(words.gettext("Newly listed: {places}.").format(
            places=", ".join(sorted(data.names.get(f, f) for f in data.newly_listed))))
    if data.unresolved:
        parts.append(words.gettext("Not on the map (no county match): {places}.").format(
            places="; ".join(data.unresolved)))
    text = " ".join(parts)
    if len(text) <= ALT_LIMIT:
        return text
    return text[: ALT_LIMIT - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "\u2026"


def render_map(data: MapData, output: Path, cache_dir: Path | None = None) -> MapResult:
    counties, states = load_geometry(cache_dir)
    fig = plt.figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor=BACKGROUND)
    ax = fig.add_axes((0.01, 0.06, 0.98, 0.84))
    ax.set_axis_off()
    ax.set_aspect("equal")
    polygons, faces = [], []
    by_fips = {c.geoid: c for c in counties}
    for county in counties:
        colour = colour_for(data.counts.get(county.geoid, 0))
        for ring in county.rings:
            polygons.append(ring)
            faces.append(colour)
    ax.add_collection(PolyCollection(polygons, facecolors=faces, edgecolors=BORDER, linewidths=0.15,
                                     antialiaseds=False))
    ax.add_collection(LineCollection([r for s in states for r in s.rings], colors="#555555", linewidths=0.5))
    ax.set_xlim(EXTENT[0], EXTENT[2])
    ax.set_ylim(EXTENT[1], EXTENT[3])
    # A dot on every shaded county: one small county is invisible at phone size otherwise.
    for fips, count in sorted(data.counts.items()):
        if fips in by_fips and count > 0:
            x, y = interior_point(by_fips[fips])
            ax.plot([x], [y], marker="o", markersize=min(30.0, 7 + 3 * count ** 0.5), linestyle="none",
                    markerfacecolor=colour_for(count), markeredgecolor="#333333", markeredgewidth=0.8)
    outlines = [ring for _, fips, _ in data.top if fips in by_fips for ring in by_fips[fips].rings]
    ax.add_collection(PolyCollection(outlines, facecolors="none", edgecolors="#000000", linewidths=1.6))
    for rank, fips, _label in data.top:
        if fips in by_fips:
            x, y = interior_point(by_fips[fips])
            ax.annotate(str(rank), (x, y), xytext=(9, 9), textcoords="offset points", fontsize=13,
                        fontweight="bold", color="#000000", ha="center", va="center",
                        bbox={"boxstyle": "circle,pad=0.18", "fc": "#ffffff", "ec": "#000000", "lw": 1})
    for fips in sorted(data.newly_listed):
        if fips in by_fips:
            x, y = interior_point(by_fips[fips])
            ax.plot([x], [y], marker="*", markersize=20, markerfacecolor="#1f78b4", markeredgecolor="#ffffff",
                    markeredgewidth=1.0, linestyle="none")
    words = data.words
    for area, (x0, y0, x1, y1) in INSET_BOXES.items():
        label = i18n.state_name(area, data.language)
        ax.plot([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0], color="#999999", linewidth=0.6)
        ax.text(x0 + 15_000, y1 - 20_000, label, fontsize=11, color="#555555", va="top")
    fig.text(0.5, 0.955, words.gettext("Declined detainers by county, {label}").format(label=data.label),
             ha="center", fontsize=24, fontweight="bold")
    fig.text(0.5, 0.915, words.gettext("{count} declined detainers listed (dot size follows the count); the ten "
                                       "counties with the most detainers issued are outlined and numbered").format(
        count=data.number(data.total_declined)), ha="center", fontsize=14, color="#333333")
    handles: list[Artist] = [Patch(facecolor=c, edgecolor="#999999", label=words.gettext(label))
                             for (_, _, label), c in zip(BINS, COLOURS, strict=True)]
    handles.append(Patch(facecolor=EMPTY, edgecolor="#999999", label=words.gettext("none listed")))
    if data.newly_listed:
        handles.append(Line2D([], [], marker="*", markersize=16, markerfacecolor="#1f78b4",
                              markeredgecolor="#ffffff", linestyle="none", label=words.gettext("newly listed")))
    ax.legend(handles=handles, title=words.gettext("Declined detainers"), loc="lower right",
              bbox_to_anchor=(1.0, 0.14), fontsize=13, title_fontsize=13, frameon=False)
    footer = words.gettext("Source: ICE Declined Detainer Outcome Report, {period}.").format(period=data.period_words)
    if data.unresolved:
        shown = "; ".join(data.unresolved[:4]) + ("; …" if len(data.unresolved) > 4 else "")
        footer += " " + words.gettext("Not mapped (no county match): {places}.").format(places=shown)
    fig.text(0.01, 0.02, footer, fontsize=12, color="#333333")
    fig.canvas.draw()
    height_px = int(HEIGHT * DPI)
    pixels = {}
    for fips in set(data.counts) | {f for _, f, _ in data.top} | {"02020", "15003", "72127", "06037"}:
        if fips in by_fips:
            dx, dy = ax.transData.transform(interior_point(by_fips[fips]))
            pixels[fips] = (int(round(dx)), int(round(height_px - dy)))
    png = save_png(fig, output)
    return MapResult(output, alt_text(data), int(WIDTH * DPI), height_px, len(png), pixels)


def save_png(fig: Figure, output: Path) -> bytes:
    """The figure as a deterministic PNG (no software tag) under the Bluesky limit, written out."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor=BACKGROUND)
    plt.close(fig)
    png = _shrink(buffer.getvalue())
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(png)
    return png


DIGEST_MAX_BYTES = 150 * 1024   # a digest's map: a phone on a slow line opens the mail


def digest_copy(root: Path, relative: str | None) -> str | None:
    """A lighter copy of a map for email (800 px wide, a palette of at most 48 colours, well
    under DIGEST_MAX_BYTES), beside the original; the relative path, or None without a map."""
    if relative is None:
        return None
    from PIL import Image

    source = root / relative
    target = source.with_name(f"{source.stem}-email.png")
    with Image.open(source) as image:
        width, height = image.size
        for colours, scale in ((48, 800 / width), (24, 640 / width), (16, 560 / width)):
            size = (round(width * scale), round(height * scale))
            smaller = image.convert("RGB").resize(size, Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            smaller.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
            if len(buffer.getvalue()) <= DIGEST_MAX_BYTES:
                break
    target.write_bytes(buffer.getvalue())
    return str(target.relative_to(root))


def _shrink(png: bytes) -> bytes:
    """Re-encode with a palette when the PNG is over the Bluesky limit (rare: few colours)."""
    if len(png) <= MAX_BYTES:
        return png
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
