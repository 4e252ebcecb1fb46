"""The Wayback-specific answers: CDX rows and the bulk availability API."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from linkwatch.archives.memento import Memento, parse_timestamp


class CdxFormatError(ValueError):
    """A CDX answer that is neither the Wayback JSON array nor pywb's JSON lines."""


def parse_cdx(text: str, replay_root: str) -> list[Memento]:
    """Mementos from a CDX ``output=json`` answer, oldest first.

    Accepts the Wayback CDX server's array of arrays (first row the field names) and
    pywb's one JSON object per line. Revisit records keep the status they point at
    when the index gives one; ``-`` means unknown.
    """
    text = text.strip()
    if not text:
        return []
    rows: list[dict[str, str]]
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        data = _salvage_array(text) if text.startswith("[") else None
    if isinstance(data, list):
        if not data:
            return []
        header = data[0]
        if not isinstance(header, list) or not all(isinstance(h, str) for h in header):
            raise CdxFormatError("CDX answer has no header row")
        rows = [dict(zip(header, map(str, row), strict=False)) for row in data[1:]]
    else:
        rows = []
        lines = [line for line in text.splitlines() if line.strip()]
        for number, line in enumerate(lines):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                if number and number == len(lines) - 1:
                    break  # the last line, cut off by the read cap
                raise CdxFormatError(f"CDX answer line is not JSON: {line[:80]!r}") from exc
            if not isinstance(obj, dict):
                raise CdxFormatError("CDX answer line is not a JSON object")
            rows.append({str(k): str(v) for k, v in obj.items()})
    out: list[Memento] = []
    for row in rows:
        short = row.get("timestamp", "")
        original = row.get("original") or row.get("url", "")
        if not (4 <= len(short) <= 14) or not short.isdigit() or not original:
            continue
        # Indexes with coarser timestamps exist; replay accepts them and redirects.
        ts = parse_timestamp(short).strftime("%Y%m%d%H%M%S")
        status_text = row.get("statuscode") or row.get("status") or ""
        status = int(status_text) if status_text.isdigit() else None
        out.append(
            Memento(
                url=f"{replay_root}{short}/{original}",
                timestamp=ts,
                status=status,
                digest=row.get("digest", ""),
                mimetype=row.get("mimetype") or row.get("mime", ""),
            )
        )
    out.sort(key=lambda m: m.timestamp)
    return _resolve_revisits(out)


def _resolve_revisits(mementos: list[Memento]) -> list[Memento]:
    """Give revisit records (status ``-``, ``warc/revisit``) the status of the capture they repeat.

    A revisit has the payload digest of an earlier capture; when the index lists that
    capture, its status and type are the revisit's too. Others stay unknown and are
    settled by fetching them.
    """
    known = {
        m.digest: m
        for m in mementos
        if m.digest and m.status is not None and m.mimetype != "warc/revisit"
    }
    out = []
    for m in mementos:
        revisit = m.status is None or m.mimetype == "warc/revisit"
        base = known.get(m.digest) if m.digest else None
        if revisit and base is not None:
            m = dataclasses.replace(m, status=base.status, mimetype=base.mimetype)
        out.append(m)
    return out


def _salvage_array(text: str) -> list[Any] | None:
    """The complete rows of a Wayback JSON array cut off by the read cap."""
    decoder = json.JSONDecoder()
    rows: list[Any] = []
    pos = text.index("[") + 1
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] != "[":
            break
        try:
            row, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        rows.append(row)
    return rows or None


def availability_body(requests: Sequence[tuple[str, str, str]]) -> str:
    """The form body of a bulk availability POST: one ``url=…&timestamp=…&tag=…`` line each.

    ``requests`` holds ``(tag, url, timestamp)``. Each line asks for the closest capture
    with status 200 on or before the timestamp, which is the capture IABot would choose.
    """
    return "\n".join(
        f"url={quote(url, safe='')}&timestamp={ts}&tag={quote(tag, safe='')}"
        + ("&closest=before&status_code=200" if ts else "")
        for tag, url, ts in requests
    )


def parse_availability(text: str) -> dict[str, Memento | None]:
    """Per tag, the closest capture the availability API reports (None: it reports none)."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CdxFormatError("availability answer is not JSON") from exc
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise CdxFormatError("availability answer has no results list")
    out: dict[str, Memento | None] = {}
    for item in results:
        if not isinstance(item, dict):
            continue
        tag = str(item.get("tag", ""))
        closest = (item.get("archived_snapshots") or {}).get("closest")
        if not isinstance(closest, dict) or not closest.get("available", True):
            out[tag] = None
            continue
        ts = str(closest.get("timestamp", ""))
        status = str(closest.get("status", ""))
        out[tag] = Memento(
            url=str(closest.get("url", "")),
            timestamp=ts,
            status=int(status) if status.isdigit() else None,
        )
    return out
