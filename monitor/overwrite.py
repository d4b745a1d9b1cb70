"""Nothing of the user's is deleted or overwritten: an output folder is replaced only when it
is empty or an earlier output of the same command (its marker file says so), an output file
only when it is an image we could have written."""

from __future__ import annotations

from pathlib import Path

from ddor_watch.db.errors import BadInput

PNG = b"\x89PNG\r\n\x1a\n"


def replaceable_folder(path: Path, marker: str, what: str, looks_like: tuple[str, ...] = ()) -> None:
    """Raise BadInput unless `path` is missing, empty, or holds `marker` (or every name in
    `looks_like`: an earlier output written before markers existed)."""
    if not path.exists():
        return
    if not path.is_dir():
        raise BadInput(f"{path} is a file, not a folder; not touched")
    names = {child.name for child in path.iterdir()}
    if not names or marker in names or (looks_like and set(looks_like) <= names):
        return
    raise BadInput(f"{path} is not empty and is not {what}; not touched (choose an empty or new folder)")


def replaceable_png(path: Path) -> None:
    """Raise BadInput when `path` exists and is not a PNG (someone's file, not an earlier image)."""
    if not path.exists():
        return
    if path.is_dir():
        raise BadInput(f"-o {path} is a folder; give a file name")
    with path.open("rb") as existing:
        if existing.read(8) != PNG:
            raise BadInput(f"-o {path} exists and is not a PNG image; not overwritten")
