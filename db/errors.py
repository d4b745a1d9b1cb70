"""One small error hierarchy; `str(error)` is always a useful one-line message."""

from __future__ import annotations


class DdorError(Exception):
    """Base of every error ddor-watch raises on purpose."""

    exit_code = 1


class BadInput(DdorError):
    """The caller gave us something we cannot use (missing file, bad option)."""

    exit_code = 2


class NotAPdf(BadInput):
    """The bytes do not start with the `%PDF-` magic, or are empty."""


class UnreadablePdf(BadInput):
    """A PDF we cannot open: truncated, corrupt or encrypted."""


class ParseLimitExceeded(UnreadablePdf):
    """Parsing ran past its time or memory limit: a hostile or pathological PDF."""


class NotADdorReport(BadInput):
    """A readable PDF that is not a Declined Detainer Outcome Report."""


class PublishError(DdorError):
    """A channel refused or failed a delivery."""

    def __init__(self, channel: str, message: str, *, permanent: bool = False,
                 retry_at: float | None = None) -> None:
        super().__init__(f"{channel}: {message}")
        self.channel = channel
        self.permanent = permanent
        self.retry_at = retry_at


class AlreadyRunning(DdorError):
    """Another cycle holds the lock."""
