"""Every template renders with a fixture context and stays within each network's limits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddor_watch.publish.common import LENGTH, LIMITS, short_url
from ddor_watch.publish.context import PlaceLine, ReportContext, TopLine
from ddor_watch.publish.render import SOCIAL, render_digest, render_post

URL = "https://www.ice.gov/doclib/ddor/ddor2017_01-28to02-03.pdf"


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


@settings(max_examples=60, deadline=None)
@given(names=names, newly=st.integers(0, 120), channel=st.sampled_from(SOCIAL))
def test_long_lists_and_names_are_threaded_within_limits(names, newly, channel) -> None:  # type: ignore[no-untyped-def]
    ctx = context(names, newly=min(newly, len(names)), url="https://www.ice.gov/" + "x" * 200 + ".pdf")
    parts = render_post(channel, "report", ctx)
    assert all(LENGTH[channel](p) <= LIMITS[channel] for p in parts), [LENGTH[channel](p) for p in parts]
    joined = " ".join(" ".join(p.split()) for p in parts)
    for place in ctx.newly_listed:
        assert " ".join(place.name.split())[:20] in joined


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


@pytest.mark.parametrize("channel", SOCIAL)
def test_a_1500_character_caveat_is_split_at_sentences_and_kept_whole(channel: str) -> None:
    from dataclasses import replace

    sentence = "Law enforcement agencies do not generally notify ICE when a detainer is not honored. "
    caveat = (sentence * 20)[:1500].rsplit(" ", 1)[0] + "."
    parts = render_post(channel, "report", replace(context(["Travis County"]), caveat=caveat))
    assert all(LENGTH[channel](p) <= LIMITS[channel] for p in parts)
    words = " ".join(" ".join(p.split()) for p in parts)
    words = words.replace("ICE's caveat (Section IV) (cont.): ", "").replace("ICE's caveat (Section IV): ", "")
    assert " ".join(caveat.split()) in words, "no word lost or cut"
