"""Helpers for publishing tests: a stored series, live-channel configs, a fake Bluesky PDS."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ddor_watch.db.paths import DataDir
from ddor_watch.monitor.ingest import ingest_path
from ddor_watch.monitor.samples.series import series
from factories import render_report


def store_series(db, data_dir: Path, tmp_path: Path, steps: int = 2) -> list[int]:  # type: ignore[no-untyped-def]
    """Ingest the first `steps` reports of the demo series; returns their report ids."""
    ids = []
    for index, (name, truth) in enumerate(series()[:steps]):
        path = tmp_path / f"{index}-{name}"
        path.write_bytes(render_report(truth)[0])
        ids.append(ingest_path(db, DataDir(data_dir), path, url=f"https://www.ice.gov/doclib/ddor/{name}").report_id)
    return ids


def live(config, **values):  # type: ignore[no-untyped-def]
    return config.with_overrides(publish_enabled=True, **values)


X_KEYS = dict(x_consumer_key="ck", x_consumer_secret="cs", x_access_token="at", x_access_token_secret="ats")


def _jwt(scope: str) -> str:
    import base64
    import time

    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"scope": scope, "sub": "did:plc:ddorwatch", "iat": int(time.time()), "exp": int(time.time()) + 7200}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


class FakePds:
    """A Bluesky PDS on 127.0.0.1 with just the XRPC methods we call; records every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, Any]] = []
        self.records: dict[str, dict] = {}
        self.blobs = 0
        self.sessions = 0
        self.fail_create: int | None = None
        pds = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                from urllib.parse import parse_qs, urlparse

                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                pds.requests.append(("GET", url.path, query))
                if url.path.endswith("com.atproto.repo.getRecord"):
                    record = pds.records.get(query["rkey"])
                    if record is None:
                        return self._json(400, {"error": "RecordNotFound", "message": "Could not locate record"})
                    return self._json(200, {"uri": record["uri"], "cid": record["cid"], "value": record["record"]})
                return self._json(404, {"error": "NotFound", "message": url.path})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                if path.endswith("uploadBlob"):
                    pds.blobs += 1
                    pds.requests.append(("POST", path, {"bytes": len(raw), "type": self.headers["Content-Type"]}))
                    return self._json(200, {"blob": {"$type": "blob", "ref": {"$link": "bafkreiblob"},
                                                     "mimeType": "image/png", "size": len(raw)}})
                body = json.loads(raw or b"{}")
                pds.requests.append(("POST", path, body))
                if path.endswith("createSession"):
                    pds.sessions += 1
                    return self._json(200, {"did": "did:plc:ddorwatch", "handle": "ddor.test",
                                            "accessJwt": _jwt("com.atproto.access"),
                                            "refreshJwt": _jwt("com.atproto.refresh")})
                if path.endswith("createRecord"):
                    if pds.fail_create:
                        pds.fail_create -= 1
                        return self._json(500, {"error": "InternalServerError", "message": "boom"})
                    rkey = body["rkey"]
                    uri = f"at://did:plc:ddorwatch/app.bsky.feed.post/{rkey}"
                    pds.records[rkey] = {"uri": uri, "cid": f"cid{len(pds.records)}", "record": body["record"]}
                    return self._json(200, {"uri": uri, "cid": pds.records[rkey]["cid"]})
                return self._json(404, {"error": "NotFound", "message": path})

            def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xrpc"

    def posts(self) -> list[dict]:
        return [body["record"] for method, path, body in self.requests if path.endswith("createRecord")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def request_body(content_type: str, body: bytes | str | None) -> dict:
    """A request body as the dry run writes it: JSON as is, a form as fields (`[]` keys as lists),
    multipart as fields with every file as "<file>"."""
    from email import policy
    from email.parser import BytesParser
    from urllib.parse import parse_qs

    raw = body.encode() if isinstance(body, str) else (body or b"")
    if content_type.startswith("application/json"):
        return json.loads(raw)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: (v if k.endswith("[]") else v[0]) for k, v in parse_qs(raw.decode()).items()}
    if content_type.startswith("multipart/form-data"):
        envelope = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        message = BytesParser(policy=policy.default).parsebytes(envelope)
        fields = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            fields[name] = "<file>" if part.get_filename() else part.get_payload(decode=True).decode()
        return fields
    return {"file": "<file>"}


def planned_body(request: dict) -> dict:
    """A dry-run request's body with file fields generalised as request_body does."""
    def plain(value):  # type: ignore[no-untyped-def]
        return "<file>" if isinstance(value, str) and value.startswith("<file ") else value
    return {k: plain(v) for k, v in request["body"].items()}


def with_placeholders(value, ids: dict[str, str]):  # type: ignore[no-untyped-def]
    """`value` with every server-assigned id replaced by its dry-run placeholder."""
    if isinstance(value, dict):
        return {k: with_placeholders(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [with_placeholders(v, ids) for v in value]
    return ids.get(value, value) if isinstance(value, str) else value
