"""The monitor room: the cycle (crawl, ingest, diff, enqueue), the diff rules, the scheduler,
the run log, alerts to maintainers and the `ddor` command line."""
