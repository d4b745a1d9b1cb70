"""The public record says what is true today: a place walked through added, removed, back, its
list's page gone and back again, read on its page and in `ddor history jurisdictions`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ddor_watch.db.history import history
from ddor_watch.monitor.cycle import run_check
from ddor_watch.monitor.samples.lists import DOJ_AUGUST_2025, DOJ_PATH, doj_page
from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
from ddor_watch.monitor.site import build

T0 = dt.datetime(2025, 8, 5, tzinfo=dt.UTC)
WITH_TRENTON = replace(DOJ_AUGUST_2025, cities=(*DOJ_AUGUST_2025.cities, "Trenton City, NJ"))


def test_a_place_reads_as_what_holds_today_at_every_step(config, db, data_dir) -> None:  # type: ignore[no-untyped-def]
    cfg = config.with_overrides(download_delay=0.0, retry_backoff=0.05, download_timeout=5)
    site = ReplicaSite()
    steps = [("baseline", DOJ_AUGUST_2025, None), ("added", WITH_TRENTON, "<strong>On DOJ&#39;s sanctuary"),
             ("removed", DOJ_AUGUST_2025, "<strong>Removed from DOJ&#39;s sanctuary"),
             ("back on the list", WITH_TRENTON, "<strong>On DOJ&#39;s sanctuary"),
             ("page gone", None, "the page went away</strong>"),
             ("page back", WITH_TRENTON, "<strong>On DOJ&#39;s sanctuary")]
    lists_column = {"added": "doj-list: listed since", "removed": "doj-list: removed",
                    "back on the list": "doj-list: listed since", "page gone": "doj-list: page gone",
                    "page back": "doj-list: listed since"}
    with ReplicaServer(site) as server:
        for index, (label, truth, expected) in enumerate(steps):
            if truth is None:
                site.faults[DOJ_PATH] = "status:410"
            else:
                site.faults.pop(DOJ_PATH, None)
                site.pages[DOJ_PATH] = (doj_page(truth), T0 + dt.timedelta(days=index))
            run_check(cfg, db, [f"{server.url}{DOJ_PATH}"], publish=False, only="doj-list")
            if expected is None:
                continue
            page = (build(cfg, db).folder / "jurisdictions" / "nj-trenton-city.html")
            text = page.read_text()
            assert expected in text, label
            assert "Trenton City, NJ, NJ" not in text, "the state once"
            if label == "back on the list":
                assert "Also listed from" in text, "the earlier interval stays in the timeline"
            if label == "page gone":
                assert "<strong>On DOJ" not in text, "nothing reads as listed after the page went away"
            columns, rows = history(db, "jurisdictions")
            trenton = next(r for r in rows if r[columns.index("name")] == "Trenton City")
            assert trenton[-1].startswith(lists_column[label]), (label, trenton[-1])
