"""One cycle at a time: an exclusive lock file in the data dir (daemon and manual checks alike)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from ddor_watch.db.errors import AlreadyRunning
from ddor_watch.db.paths import DataDir


@contextmanager
def cycle_lock(data: DataDir) -> Iterator[None]:
    data.root.mkdir(parents=True, exist_ok=True)
    path = data.cycle_lock
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(f"another cycle is running (lock {path} is held)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock, also when the process dies
