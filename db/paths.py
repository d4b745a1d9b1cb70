"""The data folder's layout, spelled out once. Nothing here creates anything: callers that
write make the folder they write to (read-only commands must leave no trace)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def sqlite_file(self) -> Path:
        return self.root / "ddor.sqlite3"

    @property
    def sqlite_url(self) -> str:
        return f"sqlite:///{self.sqlite_file.resolve()}"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def archived(self, sha256: str, suffix: str = ".pdf") -> Path:
        """Content-addressed place of one archived document (report PDFs; list pages as .html)."""
        return self.archive / sha256[:2] / f"{sha256}{suffix}"

    @property
    def maps(self) -> Path:
        return self.root / "maps"

    @property
    def cache(self) -> Path:
        """Derived data that may be deleted at any time (projected map geometry)."""
        return self.root / "cache"

    @property
    def outbox(self) -> Path:
        """Dry-run output: what each channel would have sent, one folder per channel."""
        return self.root / "outbox"

    @property
    def alerts(self) -> Path:
        return self.outbox / "alerts"

    @property
    def scratch(self) -> Path:
        """Temporary files of a running cycle; cleared by the next one."""
        return self.root / "tmp"

    @property
    def cycle_lock(self) -> Path:
        return self.root / "ddor-cycle.lock"

    @property
    def unsubscribe_secret(self) -> Path:
        return self.root / "unsubscribe-secret"

    @property
    def bluesky_session(self) -> Path:
        return self.root / "bluesky-session.txt"
