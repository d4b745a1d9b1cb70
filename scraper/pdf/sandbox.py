"""Parse PDFs in child processes with a wall-clock and an address-space limit.

A hostile or broken PDF can make pdfminer loop for ever (a reference cycle) or allocate
gigabytes (a flate or operator bomb). In the parent that would wedge the daemon with the
cycle lock held, or get it killed by the service's memory limit. A child that overruns is
killed and the document is refused with `ParseLimitExceeded`, a `BadInput`: quarantined
when fetched, exit 2 at the command line.

Children come from a forkserver that has the parser imported already, so a parse costs a
fork, not an interpreter start; the forkserver itself holds no database or thread state.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypeVar

from ddor_watch.db.errors import BadInput, ParseLimitExceeded, UnreadablePdf
from ddor_watch.db.records import ParsedReport

T = TypeVar("T")


@dataclass(frozen=True)
class ParseLimits:
    timeout: float = 120.0      # seconds of wall-clock time for one document
    memory_mb: int = 512        # address space of the parsing child (296 pages parse within it)

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.memory_mb < 128:
            raise ValueError("parse limits: timeout must be positive and memory at least 128 MB")


@dataclass(frozen=True)
class _Job:
    path: str
    display_name: str | None
    limits: ParseLimits


def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ddor_watch.scraper.pdf.parser"])
    return context


def _child(job: _Job, conn: Connection) -> None:
    """In the child: cap the address space and CPU, parse, send the report or the refusal."""
    limit = job.limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(job.limits.timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    from ddor_watch.scraper.pdf.parser import parse_report

    try:
        conn.send(("ok", parse_report(job.path, display_name=job.display_name)))
    except BadInput as error:
        conn.send(("refused", (type(error).__name__, str(error))))
    except MemoryError:
        conn.send(("memory", None))
    except RecursionError:
        conn.send(("refused", ("UnreadablePdf", f"{job.display_name or job.path}: corrupt PDF (nesting too deep, "
                                                "probably a reference loop)")))
    except Exception as error:  # the child's boundary: a parser bug must reach the parent as words
        conn.send(("crashed", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def _start(job: _Job) -> tuple[BaseProcess, Connection]:
    receive, send = _context().Pipe(duplex=False)
    process = _context().Process(target=_child, args=(job, send), daemon=True)
    process.start()
    send.close()
    return process, receive


def _outcome(job: _Job, process: BaseProcess, conn: Connection, timed_out: bool) -> ParsedReport:
    label = job.display_name or job.path
    message: tuple[str, object] | None = None
    if not timed_out:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            message = None   # the child died without a word: killed by a limit
    conn.close()
    if process.is_alive():
        process.kill()
    process.join(5)
    if timed_out:
        raise ParseLimitExceeded(f"{label}: parsing took longer than {job.limits.timeout:g} s; "
                                 "not a report we can read (refused)")
    if message is None or message[0] == "memory":
        raise ParseLimitExceeded(f"{label}: parsing needed more than {job.limits.memory_mb} MB "
                                 f"(or was stopped, exit {process.exitcode}); refused")
    status, payload = message
    if status == "crashed":
        raise UnreadablePdf(f"{label}: the parser failed on this document ({str(payload)[:200]}); refused")
    if status == "ok" and isinstance(payload, ParsedReport):
        return payload
    if status == "refused" and isinstance(payload, tuple):
        name, text = payload
        raise _error_class(str(name))(str(text))
    raise ParseLimitExceeded(f"{label}: the parser sent nothing usable; refused")


def _error_class(name: str) -> type[BadInput]:
    from ddor_watch.db import errors

    found = getattr(errors, name, BadInput)
    return found if isinstance(found, type) and issubclass(found, BadInput) else BadInput


def _call_child(func: Callable[..., object], args: tuple[object, ...], limits: ParseLimits,
                conn: Connection) -> None:
    """In the child: the same limits as a parse, then any reader; its result or its error."""
    limit = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(limits.timeout) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        conn.send(("ok", func(*args)))
    except MemoryError:
        conn.send(("memory", None))
    except Exception as error:  # the child's boundary: the parent re-raises it (or says what it was)
        try:
            conn.send(("raised", error))
        except Exception:  # an error that does not pickle still reaches the parent as words
            conn.send(("crashed", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def call_sandboxed(func: Callable[..., T], args: tuple[object, ...], label: str,
                   limits: ParseLimits | None = None) -> T:
    """`func(*args)` in a child process with the parse limits: its result, or its own
    exception re-raised here, or ParseLimitExceeded when the child overran or died.
    `func` must be importable by name (a module-level function)."""
    limits = limits or ParseLimits()
    receive, send = _context().Pipe(duplex=False)
    process = _context().Process(target=_call_child, args=(func, args, limits, send), daemon=True)
    process.start()
    send.close()
    ready = receive.poll(limits.timeout)
    message: tuple[str, object] | None = None
    if ready:
        try:
            message = receive.recv()
        except (EOFError, OSError):
            message = None
    receive.close()
    if process.is_alive():
        process.kill()
    process.join(5)
    if not ready:
        raise ParseLimitExceeded(f"{label}: reading took longer than {limits.timeout:g} s; refused")
    if message is None or message[0] == "memory":
        raise ParseLimitExceeded(f"{label}: reading needed more than {limits.memory_mb} MB "
                                 f"(or was stopped, exit {process.exitcode}); refused")
    status, payload = message
    if status == "raised" and isinstance(payload, Exception):
        raise payload
    if status == "ok":
        return payload  # type: ignore[return-value]  # what func returned, through the pipe
    raise UnreadablePdf(f"{label}: the reader failed on this document ({str(payload)[:200]}); refused")


def parse_sandboxed(path: str | Path, display_name: str | None = None,
                    limits: ParseLimits | None = None) -> ParsedReport:
    """`parse_report` in a limited child process; same result, same errors."""
    job = _Job(str(path), display_name, limits or ParseLimits())
    from ddor_watch.scraper.pdf.parser import check_pdf_file

    check_pdf_file(Path(job.path))  # cheap refusals (missing, empty, not a PDF) need no child
    process, conn = _start(job)
    ready = conn.poll(job.limits.timeout)
    return _outcome(job, process, conn, timed_out=not ready)


def parse_many(items: Iterable[tuple[str, str | None]], limits: ParseLimits | None = None,
               workers: int | None = None) -> Iterator[ParsedReport | BadInput]:
    """Parse (path, display name) pairs in parallel children, yielding results in input order.

    At most `workers` children run at once (default: one per core); each has its own limits,
    so memory stays bounded by workers × memory_mb.
    """
    limits = limits or ParseLimits()
    workers = max(1, workers or os.cpu_count() or 1)
    pending = iter([_Job(str(path), name, limits) for path, name in items])
    running: dict[int, tuple[_Job, BaseProcess, Connection, float]] = {}
    done: dict[int, ParsedReport | BadInput] = {}
    next_index, next_yield = 0, 0
    exhausted = False
    while True:
        while not exhausted and len(running) < workers:
            job = next(pending, None)
            if job is None:
                exhausted = True
                break
            process, conn = _start(job)
            running[next_index] = (job, process, conn, time.monotonic() + limits.timeout)
            next_index += 1
        while next_yield in done:
            yield done.pop(next_yield)
            next_yield += 1
        if not running:
            if exhausted:
                return
            continue
        soonest = min(deadline for *_, deadline in running.values())
        ready = wait([conn for _, _, conn, _ in running.values()], timeout=max(0.0, soonest - time.monotonic()))
        now = time.monotonic()
        for index, (job, process, conn, deadline) in list(running.items()):
            if conn in ready or now >= deadline:
                del running[index]
                try:
                    done[index] = _outcome(job, process, conn, timed_out=conn not in ready)
                except BadInput as error:
                    done[index] = error
