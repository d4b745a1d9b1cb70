"""Raw PDFs archived content-addressed (`archive/ab/abcdef….pdf`) before anything parses them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from ddor_watch.db.paths import DataDir


def archive_file(data: DataDir, source: Path, suffix: str = ".pdf") -> tuple[str, Path, int]:
    """Copy `source` into the archive; returns (sha256, archived path, size). Idempotent.

    The copy lands under a temporary name and is renamed into place, so a crash never
    leaves a half-written file under a content address.
    """
    root = data.archive
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, tempfile.NamedTemporaryFile(dir=root, delete=False, suffix=".part") as tmp:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            digest.update(chunk)
            tmp.write(chunk)
            size += len(chunk)
        tmp.flush()
        os.fsync(tmp.fileno())
    sha256 = digest.hexdigest()
    target = data.archived(sha256, suffix)
    if target.exists():
        os.unlink(tmp.name)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp.name, target)
    return sha256, target, size


def archive_bytes(data: DataDir, content: bytes, suffix: str = ".pdf") -> tuple[str, Path, int]:
    with tempfile.NamedTemporaryFile(delete=False) as tmp:
        tmp.write(content)
    try:
        return archive_file(data, Path(tmp.name), suffix)
    finally:
        os.unlink(tmp.name)
