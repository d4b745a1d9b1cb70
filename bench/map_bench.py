"""Map render times: cold (fresh process, no geometry cache), cold with the on-disk cache,
and warm (geometry in memory). Run: .venv/bin/python bench/map_bench.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import measure  # noqa: E402

RENDER = """
start = time.perf_counter()
from pathlib import Path
from ddor_watch.publish.map import MapData, render_map
data = MapData("Jan 28 – Feb 3, 2017", {"48453": 142, "32003": 5, "17031": 12, "02020": 2}, [(1, "32003", "Clark")],
               {"17031"}, [], 161, {})
folder = Path(sys.argv[1])
first = time.perf_counter()
render_map(data, folder / "a.png", folder / "cache")
warm = time.perf_counter()
info = render_map(data, folder / "b.png", folder / "cache")
end = time.perf_counter()
result = {"import": first - start, "first": warm - first, "warm": end - warm, "bytes": info.size}
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cold = measure(RENDER, tmp)
        cached = measure(RENDER, tmp)
    print(f"cold, no cache:     import {cold['import']:.2f}s + render {cold['first']:.2f}s  "
          f"(peak RSS {cold['peak_rss_mb']} MB)")
    print(f"cold, disk cache:   import {cached['import']:.2f}s + render {cached['first']:.2f}s")
    print(f"warm (in memory):   render {cold['warm']:.2f}s; PNG {cold['bytes']:,} bytes")


if __name__ == "__main__":
    main()
