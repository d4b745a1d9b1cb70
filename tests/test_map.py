"""The county map: pixels where the data says, insets, size, determinism, alt text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ddor_watch.publish.map import BINS, COLOURS, EMPTY, MAX_BYTES, MapData, colour_for, render_map

DATA = MapData(
    period="Jan 28 – Feb 3, 2017",
    counts={"48453": 142, "06037": 3, "17031": 12, "02020": 2, "15003": 1, "72127": 30},
    top=[(1, "32003", "Clark County, NV"), (2, "36059", "Nassau County, NY")],
    newly_listed={"35013"}, unresolved=["Nowhere County, ZZ (1)"], total_declined=190,
    names={"48453": "Travis County, TX", "06037": "Los Angeles County, CA", "17031": "Cook County, IL"},
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("map")
    return render_map(DATA, folder / "map.png", folder / "cache"), folder


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _pixel(result, fips: str) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    image = Image.open(result.path).convert("RGB")
    return image.getpixel(result.pixels[fips])


@pytest.mark.parametrize("fips", ["48453", "06037", "17031", "02020", "15003", "72127"])
def test_a_county_with_declined_detainers_has_its_bin_colour(rendered, fips: str) -> None:  # type: ignore[no-untyped-def]
    result, _ = rendered
    assert _pixel(result, fips) == _rgb(colour_for(DATA.counts[fips]))


def test_a_county_without_declined_detainers_is_not_filled(rendered) -> None:  # type: ignore[no-untyped-def]
    result, _ = rendered
    image = Image.open(result.path).convert("RGB")
    assert result.pixels  # counties we asked about
    empty = _rgb(EMPTY)
    # Anchorage is shaded (inset present); Honolulu too; an unlisted place is grey, not a bin colour.
    assert _pixel(result, "02020") != empty and _pixel(result, "15003") != empty
    x, y = result.pixels["06037"]
    assert image.getpixel((x + 60, y - 60)) not in {_rgb(c) for c in COLOURS}


def test_png_size_dimensions_and_identical_bytes(rendered) -> None:  # type: ignore[no-untyped-def]
    result, folder = rendered
    assert (result.width, result.height) == (1600, 1000)
    assert Image.open(result.path).size == (1600, 1000)
    assert result.size == result.path.stat().st_size <= MAX_BYTES
    again = render_map(DATA, folder / "again.png", folder / "cache")
    assert again.path.read_bytes() == result.path.read_bytes()


def test_alt_text_is_written_from_the_data(rendered) -> None:  # type: ignore[no-untyped-def]
    result, _ = rendered
    alt = result.alt_text
    assert "Jan 28 – Feb 3, 2017" in alt and "190 declined detainers" in alt
    assert "Travis County, TX 142" in alt and "First by detainers issued: Clark County, NV" in alt
    assert alt.index("First by detainers issued") < alt.index("Source: ICE") < alt.index("Most declined")
    assert "Not on the map (no county match): Nowhere County, ZZ (1)" in alt
    assert len(alt) <= 1000


def test_bins_cover_every_positive_count() -> None:
    assert [colour_for(n) for n in (0, 1, 2, 4, 5, 9, 10, 24, 25, 10_000)] == [
        EMPTY, COLOURS[0], COLOURS[1], COLOURS[1], COLOURS[2], COLOURS[2], COLOURS[3], COLOURS[3], COLOURS[4],
        COLOURS[4]]
    assert len(BINS) == len(COLOURS)


@pytest.mark.slow   # the map itself is drawn by the tests above; this is the CLI around it
def test_ddor_map_cli(db, db_url, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_ddor
    from publish_support import store_series

    store_series(db, data_dir, tmp_path, steps=2)
    output = tmp_path / "week2.png"
    result = run_ddor("--db", db_url, "--data-dir", str(data_dir), "map", "--period-end", "2017-02-10",
                      "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes().startswith(b"\x89PNG") and "alt: Map of US counties" in result.stdout
    missing = run_ddor("--db", db_url, "--data-dir", str(data_dir), "map", "--period-end", "2030-01-01",
                       "-o", str(output))
    assert missing.returncode == 2 and "no stored report" in missing.stderr


def test_a_correction_map_says_it_is_corrected() -> None:
    from ddor_watch.publish.map import MapData, alt_text

    original = MapData("Jan 28 – Feb 3, 2017", {"48453": 3}, [], set(), [], 3, {"48453": "Travis County, TX"})
    corrected = MapData("Jan 28 – Feb 3, 2017", {"48453": 3}, [], set(), [], 3, {"48453": "Travis County, TX"},
                        revision=2)
    assert "corrected" not in alt_text(original)
    assert "corrected, revision 2, Jan 28 – Feb 3, 2017" in alt_text(corrected)
