"""Every template renders with a fixture context and stays within each network's limits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddor_watch.publish.channels.registry import POSTING
from ddor_watch.publish.common import LENGTH, LIMITS, short_url
from ddor_watch.publish.context import PlaceLine, ReportContext, TopLine
from ddor_watch.publish.render import render_digest, render_post

URL = "https://www.ice.gov/doclib/ddor/ddor2017_01-28to02-03.pdf"

# Every channel that gets posts, each within its own limit; the social networks, whose short
# limits cut lists with "and N more".
SOCIAL = tuple(str(spec.name) for spec in POSTING)
NETWORKS = ("x", "mastodon", "bluesky")


def context(names: list[str], newly: int = 3, url: str = URL) -> ReportContext:
    places = [PlaceLine(n, "TX", i + 1, 2 + i % 5) for i, n in enumerate(names)]
    top = [TopLine(i + 1, names[i % len(names)], "NV", 100 - i, 1, i + 2 if i % 3 else None, 90, i % 3 == 0)
           for i in range(10)]
    return ReportContext(
        title="Declined Detainer Outcome Report", period="Jan 28 – Feb 3, 2017", previous_period="Jan 21 – 27, 2017",
        revision=2, source_url=url, sha256="a" * 64, declined_total=206, previous_declined_total=190,
        issued_total=3083, previous_issued_total=2825, places_listed=len(places), top=top,
        newly_listed=places[:newly], listed_again=places[newly:newly + 2], no_longer_listed=places[:2],
        count_changes=places[:2], policies_added=[], policies_removed=[], policies_changed=[], rows_removed=2,
        rows_added=1, caveat="Law enforcement agencies do not generally notify ICE when a detainer is not honored.",
    )


@pytest.mark.parametrize("channel", SOCIAL)
@pytest.mark.parametrize("kind", ["report", "correction"])
def test_every_post_template_renders_within_limits(channel: str, kind: str) -> None:
    parts = render_post(channel, kind, context(["Travis County", "Doña Ana County", "Clark County"]))
    assert parts and all(LENGTH[channel](p) <= LIMITS[channel] for p in parts)
    assert (short_url(URL) if channel == "bluesky" else URL) in parts[0]
    assert "&amp;" not in "".join(parts)


names = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                         min_size=1, max_size=120).map(lambda s: " ".join(s.split()) or "X"), min_size=1, max_size=120)


def _shown_and_more(part: str) -> tuple[list[str], int]:
    """A follow-up's item lines and its "and N more" count (0 when the list is whole)."""
    lines = part.split("\n")[1:]
    match = re.fullmatch(r"and (\d+) more: \S+", lines[-1]) if lines else None
    return (lines[:-1], int(match.group(1))) if match else (lines, 0)


@settings(max_examples=60, deadline=None)
@given(names=names, newly=st.integers(0, 120), channel=st.sampled_from(SOCIAL))
def test_long_lists_and_names_are_threaded_within_limits(names, newly, channel) -> None:  # type: ignore[no-untyped-def]
    ctx = context(names, newly=min(newly, len(names)), url="https://www.ice.gov/" + "x" * 200 + ".pdf")
    parts = render_post(channel, "report", ctx)
    assert len(parts) <= 4, "the head and at most three follow-ups"
    assert all(LENGTH[channel](p) <= LIMITS[channel] for p in parts), [LENGTH[channel](p) for p in parts]
    section_two = next(p for p in parts[1:] if "Section II (declined detainers)" in p.split("\n")[0])
    shown, more = _shown_and_more(section_two)
    expected = len(ctx.newly_listed) + len(ctx.listed_again) + len(ctx.no_longer_listed)
    assert len(shown) + more == expected, "every name is shown or counted in 'and N more'"


@pytest.mark.parametrize("kind", ["report", "correction"])
def test_email_templates_render_both_parts(kind: str) -> None:
    subject, text, html = render_digest(kind, context(["<script>alert(1)</script> County", "Clark County"]), True)
    assert subject and "\n" not in subject
    assert "<script>alert(1)</script> County" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "cid:map@ddor-watch" in html
    assert "__UNSUBSCRIBE_URL__" in text and "__UNSUBSCRIBE_URL__" in html



prose = st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                         min_size=1, max_size=400), min_size=1, max_size=12).map(lambda parts: ". ".join(parts))


@settings(max_examples=40, deadline=None)
@given(caveat=prose, name=st.text(min_size=1, max_size=200).map(lambda s: " ".join(s.split()) or "X"),
       channel=st.sampled_from(SOCIAL), kind=st.sampled_from(["report", "correction"]))
def test_every_part_fits_whatever_the_caveat_and_names(caveat: str, name: str, channel: str, kind: str) -> None:
    """Regression: a 950-character Section IV caveat made the last part 977 weighted
    characters on X (and over the limit on Bluesky and Mastodon): rejected live."""
    from dataclasses import replace

    ctx = replace(context([name, "Travis County"] * 30, newly=60), caveat=caveat[:2000])
    parts = render_post(channel, kind, ctx)
    assert all(LENGTH[channel](p) <= LIMITS[channel] for p in parts), [LENGTH[channel](p) for p in parts]


@pytest.mark.parametrize("channel", NETWORKS)
def test_a_thread_with_a_1500_character_caveat_and_60_newly_listed(channel: str) -> None:
    from dataclasses import replace

    sentence = "Law enforcement agencies do not generally notify ICE when a detainer is not honored. "
    caveat = (sentence * 20)[:1500].rsplit(" ", 1)[0] + "."
    names = [f"Place {i:02d} County" for i in range(60)]
    ctx = replace(context(names, newly=60), caveat=caveat, listed_again=[], no_longer_listed=[])
    parts = render_post(channel, "report", ctx)
    assert len(parts) <= 4 and all(LENGTH[channel](p) <= LIMITS[channel] for p in parts)
    head, follow_ups = parts[0], parts[1:]
    assert "Newly listed: 60 jurisdictions." in head and "(190 in the report before)" in head
    first = follow_ups[0]
    assert first.startswith("Newly listed in Section II (declined detainers):")
    shown, more = _shown_and_more(first)
    assert more > 0 and len(shown) + more == 60
    assert all(re.fullmatch(r"Place \d\d County, TX \(\d+\)", line) for line in shown), "names whole"
    url = short_url(URL) if channel == "bluesky" else URL
    assert first.endswith(f"and {more} more: {url}")
    assert follow_ups[1].startswith("Entered / left the top ten (detainers issued):")
    caveat_post = follow_ups[2]
    assert caveat_post.startswith("ICE's caveat (Section IV): Law enforcement")
    assert caveat_post.endswith(f"\u2026 ({url})"), "cut at a word, with an ellipsis and the link"
    kept = caveat_post.removeprefix("ICE's caveat (Section IV): ").rsplit("\u2026", 1)[0]
    assert caveat.startswith(kept), "no word changed"
    _subject, text, _html = render_digest("report", ctx, False)
    assert " ".join(caveat.split()) in " ".join(text.split()), "the digest carries the whole caveat"
    assert all(name in text for name in names), "and every name"


def test_with_a_public_site_and_n_more_links_the_report_page_and_bluesky_makes_it_a_link() -> None:
    from dataclasses import replace

    from ddor_watch.publish.channels.bluesky import facets_for

    page = "https://ddor.example.org/reports/2017-02-03-r1/"
    ctx = replace(context([f"Place {i:02d} County" for i in range(60)], newly=60), more_url=page)
    for channel in NETWORKS:
        parts = render_post(channel, "report", ctx)
        shown = short_url(page) if channel == "bluesky" else page
        assert parts[1].endswith(f"more: {shown}"), channel
        assert (short_url(URL) if channel == "bluesky" else URL) in parts[0], "the source stays ICE's PDF"
    bluesky = render_post("bluesky", "report", ctx)
    facets = facets_for(bluesky[1], URL, "https://ddor.example.org")
    assert [f.features[0].uri for f in facets] == [page]
    start = len(bluesky[1][: bluesky[1].index(short_url(page))].encode())
    assert (facets[0].index.byte_start, facets[0].index.byte_end) == (start, start + len(short_url(page).encode()))
    assert facets_for("Place ddor.example.org.evil/x and ddor.example.orgx", URL, "https://ddor.example.org") == []


@pytest.mark.parametrize("kind", ["report", "correction"])
def test_with_a_public_site_every_head_post_and_digest_links_the_report_page_beside_the_source(kind: str) -> None:
    from dataclasses import replace

    page = "https://ddor.example.org/reports/2017-02-03-r2/"
    ctx = replace(context(["Travis County", "Clark County"]), report_url=page, more_url=page)
    for channel in SOCIAL:
        head = render_post(channel, kind, ctx)[0]
        shown = short_url if channel == "bluesky" else str
        assert f"Full report: {shown(page)}" in head and f"Source: {shown(URL)}" in head, channel
        assert LENGTH[channel](head) <= LIMITS[channel]
    _subject, text, html = render_digest(kind, ctx, False)
    assert page in text and URL in text and f'href="{page}"' in html


def _list_context(names: list[str]):  # type: ignore[no-untyped-def]
    from ddor_watch.publish.list_context import EntryLine, ListContext

    lines = [EntryLine(name, "CITIES", "city") for name in names]
    return ListContext("DOJ", "sanctuary jurisdiction list", "https://www.justice.gov/ag/sanctuary-jurisdictions",
                       "Aug 12, 2025", 35, lines, lines[:3], gone=False, back=False, unmapped=0,
                       more_url="https://www.justice.gov/ag/sanctuary-jurisdictions")


def _agreement_context(names: list[str]):  # type: ignore[no-untyped-def]
    from ddor_watch.publish.agreement_context import AgreementContext, AgreementLine

    lines = [AgreementLine(f"{name}, TX", "Task Force Model", "May 21, 2025", None) for name in names]
    return AgreementContext("ICE", "287(g) list", "https://www.ice.gov/identify-and-arrest/287g", "May 23, 2025",
                            "May 16, 2025", lines, lines[:2], lines[:3], lines[:1], 1, [], [], "TX 40, FL 3", 1200,
                            1100, 80, gone=False, back=False, more_url="https://www.ice.gov/identify-and-arrest/287g")


@pytest.mark.parametrize("channel", SOCIAL)
@pytest.mark.parametrize(("kind", "build"), [("list", _list_context), ("agreements", _agreement_context)])
def test_list_and_agreement_posts_render_within_limits(channel: str, kind: str, build) -> None:  # type: ignore[no-untyped-def]
    parts = render_post(channel, kind, build(["Trenton City, NJ", "Newark City, NJ", "Doña Ana County, NM"]))
    assert parts and all(LENGTH[channel](p) <= LIMITS[channel] for p in parts)


@settings(max_examples=40, deadline=None)
@given(names=names, channel=st.sampled_from(SOCIAL), kind=st.sampled_from(["list", "agreements"]))
def test_long_list_and_agency_names_are_threaded_within_limits(names, channel, kind) -> None:  # type: ignore[no-untyped-def]
    build = _list_context if kind == "list" else _agreement_context
    parts = render_post(channel, kind, build(names))
    assert len(parts) <= 4 and all(LENGTH[channel](p) <= LIMITS[channel] for p in parts)
