"""Raw PDFs archived content-addressed (`archive/ab/abcdef….pdf`) before anything parses them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def archive_path(data_dir: Path, sha256: str) -> Path:
    return data_dir / "archive" / sha256[:2] / f"{sha256}.pdf"


def archive_file(data_dir: Path, source: Path) -> tuple[str, Path, int]:
    """Copy `source` into the archive; returns (sha256, archived path, size). Idempotent.

    The copy lands under a temporary name and is renamed into place, so a crash never
    leaves a half-written file under a content address.
    """
    root = data_dir / "archive"
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
    target = archive_path(data_dir, sha256)
    if target.exists():
        os.unlink(tmp.name)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp.name, target)
    return sha256, target, size


def archive_bytes(data_dir: Path, data: bytes) -> tuple[str, Path, int]:
    with tempfile.NamedTemporaryFile(delete=False) as tmp:
        tmp.write(data)
    try:
        return archive_file(data_dir, Path(tmp.name))
    finally:
        os.unlink(tmp.name)
