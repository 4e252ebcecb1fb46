"""Turn what a fetch saw into one live status and a reason a person can read."""

from __future__ import annotations

import urllib.parse

from linkwatch.compare.text import PageText
from linkwatch.live.fetch import Answer, Chain, Failure
from linkwatch.live.soft404 import Probe, not_found_wording, probe_evidence, redirect_evidence
from linkwatch.status import LiveStatus


def status_for_code(code: int) -> LiveStatus:
    """The live status of a final (non-redirect) HTTP status code."""
    if 200 <= code < 300 or code == 304:
        return LiveStatus.OK
    if code == 404:
        return LiveStatus.NOT_FOUND
    if code == 410:
        return LiveStatus.GONE
    if code in (401, 403, 451):
        return LiveStatus.FORBIDDEN
    if code == 429:
        return LiveStatus.RATE_LIMITED
    if 400 <= code < 500:
        return LiveStatus.CLIENT_ERROR
    if code >= 500:
        return LiveStatus.SERVER_ERROR
    return LiveStatus.CLIENT_ERROR


def is_retryable(end: Answer | Failure) -> bool:
    """Whether another attempt may answer differently: timeouts, resets, 5xx, 429."""
    if isinstance(end, Failure):
        return end.retryable
    return end.status == 429 or end.status >= 500


def trivially_same(a: str, b: str) -> bool:
    """Whether two URLs name the same page up to http→https, ``www.`` and a trailing slash."""
    pa, pb = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    host_a = (pa.hostname or "").removeprefix("www.")
    host_b = (pb.hostname or "").removeprefix("www.")
    return (
        host_a == host_b
        and (pa.path.rstrip("/") or "/") == (pb.path.rstrip("/") or "/")
        and pa.query == pb.query
    )


def describe_hops(chain: Chain) -> str:
    """The redirects of a chain in words, e.g. ``redirects (301) to URL``; ``""`` if none."""
    if not chain.hops:
        return ""
    final = chain.hops[-1][1]
    codes = [str(code) if code else "meta refresh" for code, _ in chain.hops]
    if len(chain.hops) == 1:
        if chain.hops[0][0] == 0:
            return f"meta refresh to {final}"
        return f"redirects ({codes[0]}) to {final}"
    return f"{len(chain.hops)} redirects ({', '.join(codes)}) to {final}"


def judge_answer(
    url: str,
    chain: Chain,
    attempts: list[str],
    text: PageText | None,
    probe: Probe | None,
) -> tuple[LiveStatus, str]:
    """The live status and reason for a chain that ended in an HTTP answer.

    ``attempts`` are the earlier requests' summaries (``"HEAD 405"``);
    ``probe`` is this host's answer to a random sibling path, if one was made.
    """
    end = chain.end
    assert isinstance(end, Answer)
    steps = ", ".join([*attempts, f"{end.method} {end.status}"])
    moved = describe_hops(chain)
    status = status_for_code(end.status)
    if status is not LiveStatus.OK:
        reason = f"{steps}" + (f" after {moved}" if moved else "")
        if status is LiveStatus.FORBIDDEN:
            reason += ": access refused (a bot wall?); inconclusive"
        elif status is LiveStatus.RATE_LIMITED:
            reason += ": rate-limited; inconclusive"
        return status, reason
    if end.status == 304:
        return LiveStatus.OK, f"{steps}: not modified since the last check"
    final = end.url
    honest = probe is not None and probe.honest
    if not honest:
        evidence = [
            e
            for e in (
                redirect_evidence(url, final) if chain.hops else "",
                probe_evidence(url, final, bool(chain.hops), text, probe) if probe else "",
            )
            if e
        ]
        wording = not_found_wording(text)
        if wording:
            evidence.append(f"page says “{wording}”")
        if evidence:
            return LiveStatus.SOFT_404, f"{steps}: " + "; ".join(evidence)
    if chain.hops and not trivially_same(url, final):
        return LiveStatus.REDIRECTED, f"{steps}: {moved}"
    if chain.hops:
        return LiveStatus.OK, f"{steps} ({moved})"
    return LiveStatus.OK, steps
