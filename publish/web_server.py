"""`ddor serve` under uvicorn, guarded against clients that hold connections open.

uvicorn's h11 protocol arms its keep-alive timer only after a response, so a connection that
sends part of its headers and then nothing stays open for ever: a few hundred of them fill
`limit_concurrency` and every new request gets a 503. Here each connection must complete its
request headers within `header_timeout` seconds (on a fresh connection and again after each
response), and one address may hold at most `per_client` connections; the proxies in
`trusted` are exempt from that cap (every client comes through them). Whose address a request
comes from is decided by `client_address`: X-Forwarded-For counts only when the peer is a
trusted proxy, and then only up to the first address that is not one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str]) -> tuple[Network, ...]:
    """"127.0.0.1", "10.0.0.0/8", "::1" -> networks; raises ValueError on anything else."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


def _trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: tuple[Network, ...]) -> str:
    """The address a request comes from. A peer that is not a trusted proxy is the client,
    whatever X-Forwarded-For says (anyone can send one); behind trusted proxies the client is
    the right-most address in X-Forwarded-For that is not itself a trusted proxy."""
    if not forwarded_for or not _trusted(peer, trusted):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        if not _trusted(hop, trusted):
            return hop
    return peer


class GuardedH11Protocol(H11Protocol):
    """H11Protocol with a deadline for request headers and a cap on connections per address.
    Configured through class attributes by `guarded_protocol`."""

    header_timeout: float = 10.0
    per_client: int = 20
    trusted: tuple[Network, ...] = ()
    open_by_client: Counter[str] = Counter()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._peer = self.client[0] if self.client else ""
        self._deadline: asyncio.TimerHandle | None = None
        self._counted = False
        if self._peer and not _trusted(self._peer, self.trusted):
            if self.open_by_client[self._peer] >= self.per_client:
                logger.info("refused a connection from %s: %d open already", self._peer, self.per_client)
                transport.close()
                return
            self.open_by_client[self._peer] += 1
            self._counted = True
        self._arm()

    def _arm(self) -> None:
        self._waiting_for = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            logger.info("closed a connection from %s: no complete request in %.0f s", self._peer,
                        self.header_timeout)
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._deadline is not None and self.cycle is not self._waiting_for:
            self._disarm()     # a new request's headers are in: the app takes it from here

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._disarm()
            self._arm()        # the next request on this connection gets the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        if getattr(self, "_counted", False):
            self.open_by_client[self._peer] -= 1
            if self.open_by_client[self._peer] <= 0:
                del self.open_by_client[self._peer]
            self._counted = False
        super().connection_lost(exc)


def guarded_protocol(header_timeout: float, per_client: int, trusted: tuple[Network, ...]) -> type[H11Protocol]:
    """A protocol class for uvicorn's `http=` with these limits (a fresh class: no shared state)."""
    attributes: dict[str, Any] = {"header_timeout": header_timeout, "per_client": per_client, "trusted": trusted,
                                  "open_by_client": Counter()}
    return type("ConfiguredGuardedH11Protocol", (GuardedH11Protocol,), attributes)
