"""Turn what a fetch saw into one live status and a reason a person can read."""

from __future__ import annotations

import urllib.parse

from linkwatch.compare.text import PageText, page_text
from linkwatch.live.fetch import Answer, Chain, Failure
from linkwatch.live.soft404 import (
    Probe,
    login_evidence,
    not_found_wording,
    probe_evidence,
    redirect_evidence,
)
from linkwatch.status import LiveStatus

#: Answers that say nothing about the page: refusals, paywalls, bot walls, legal blocks.
_REFUSALS: dict[int, str] = {
    401: "sign-in required",
    402: "payment required (a paywall)",
    403: "access refused (a bot wall?)",
    407: "a proxy between linkwatch and the site asks for credentials",
    418: "refused with 418 (a bot wall's answer)",
    451: "unavailable for legal reasons (blocked where linkwatch runs)",
    999: "refused with 999 (a bot wall's answer, as LinkedIn gives)",
}

#: What the CDN status codes (Cloudflare's 520–530) say happened behind the CDN.
_CDN_CODES: dict[int, str] = {
    520: "the CDN got an unexpected answer from the site's server",
    521: "the site's server refused the CDN (web server down)",
    522: "the CDN could not connect to the site's server (timed out)",
    523: "the site's server is unreachable from the CDN",
    524: "the site's server took too long to answer the CDN",
    525: "the TLS handshake between the CDN and the site's server failed",
    526: "the site's certificate is invalid (seen by the CDN)",
    527: "the CDN's connection to the site's server failed",
    530: "the CDN cannot reach the site (its origin does not resolve or is disabled)",
}

#: Titles of bot-wall challenge pages (case-folded).
_WALL_TITLES = (
    "just a moment...",
    "attention required! | cloudflare",
    "checking your browser",
    "ddos-guard",
    "request unsuccessful. incapsula",
    "human verification",
    "are you a robot",
    "are you a human",
    "security check",
    "captcha",
    "安全验证",
    "人机验证",
    "访问验证",
    "滑动验证",
)
#: Of those, the ones a real article is never titled (trusted even on a 2xx answer).
_WALL_TITLES_ANY_STATUS = _WALL_TITLES[:5]


def status_for_code(code: int) -> LiveStatus:
    """The live status of a final (non-redirect) HTTP status code."""
    if 200 <= code < 300 or code in (300, 304):
        return LiveStatus.OK
    if code == 404:
        return LiveStatus.NOT_FOUND
    if code == 410:
        return LiveStatus.GONE
    if code in _REFUSALS:
        return LiveStatus.FORBIDDEN
    if code == 429:
        return LiveStatus.RATE_LIMITED
    if code == 408:
        return LiveStatus.TIMEOUT
    if 400 <= code < 500:
        return LiveStatus.CLIENT_ERROR
    if 300 <= code < 400:
        # A redirect that could not be followed (no Location, or 305/306).
        return LiveStatus.CONNECTION_ERROR
    # 5xx, an informational 1xx given as the final answer, or a code outside the standard.
    return LiveStatus.SERVER_ERROR


def code_note(code: int) -> str:
    """What a final status code means, for the reason; ``""`` when the number says it all."""
    if code in _REFUSALS:
        return f"{_REFUSALS[code]}; inconclusive"
    if code == 429:
        return "rate-limited; inconclusive"
    if code == 408:
        return "the server timed out waiting for the request"
    if code in _CDN_CODES:
        return _CDN_CODES[code]
    if 100 <= code < 200:
        return "an informational status given as the final answer"
    if 300 <= code < 400 and code not in (300, 304):
        return "a redirect without a usable Location"
    if code >= 600 or code < 100:
        return "a status code outside the HTTP standard"
    return ""


def bot_wall(end: Answer, text: PageText | None = None) -> str:
    """Which bot wall or challenge answered instead of the page, or ``""``."""
    headers = end.headers
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "a Cloudflare challenge"
    if headers.get("x-amzn-waf-action", "").lower() in ("captcha", "challenge"):
        return "an AWS WAF challenge"
    if "x-sucuri-block" in headers:
        return "a Sucuri firewall block"
    server = headers.get("server", "").lower()
    if "ddos-guard" in server and end.status in (403, 503):
        return "a DDoS-Guard challenge"
    refused = end.status in (403, 429, 503)
    if text is None and end.body and (refused or 200 <= end.status < 300):
        text = page_text(end.body[:65536], headers.get("content-type", ""))
    title = (text.title if text is not None else "").casefold()
    if title:
        for wall in _WALL_TITLES if refused else _WALL_TITLES_ANY_STATUS:
            if wall in title:
                return f"a bot challenge page (“{text.title if text else wall}”)"
    return ""


def is_retryable(end: Answer | Failure) -> bool:
    """Whether another attempt may answer differently: timeouts, resets, 5xx, 408 and 429.

    A bot wall's 503 challenge is not retried: it answers the same way every time.
    """
    if isinstance(end, Failure):
        return end.retryable
    if end.status in (408, 429) or 500 <= end.status < 600:
        return not (end.status == 503 and bot_wall(end))
    return False


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
    *,
    conditional: bool = True,
) -> tuple[LiveStatus, str]:
    """The live status and reason for a chain that ended in an HTTP answer.

    ``attempts`` are the earlier requests' summaries (``"HEAD 405"``);
    ``probe`` is this host's answer to a random sibling path, if one was made;
    ``conditional`` says whether the request carried validators (a 304 without
    them is the server's quirk, not "not modified").
    """
    end = chain.end
    assert isinstance(end, Answer)
    steps = ", ".join([*attempts, f"{end.method} {end.status}"])
    moved = describe_hops(chain)
    after = f" after {moved}" if moved else ""
    final = end.url
    wall = bot_wall(end, text if 200 <= end.status < 300 else None)
    if wall:
        return LiveStatus.FORBIDDEN, f"{steps}{after}: {wall}; inconclusive"
    status = status_for_code(end.status)
    if status is not LiveStatus.OK:
        note = code_note(end.status)
        return status, f"{steps}{after}" + (f": {note}" if note else "")
    if chain.hops:
        login = login_evidence(url, final)
        if login:
            return LiveStatus.FORBIDDEN, f"{steps}: {login}; inconclusive"
    if end.status == 304:
        if conditional and not chain.hops:
            return LiveStatus.OK, f"{steps}: not modified since the last check"
        return LiveStatus.OK, f"{steps}{after}: 304 although nothing was asked conditionally"
    honest = probe is not None and probe.honest
    evidence = [redirect_evidence(url, final)] if chain.hops else []
    if not honest:
        if probe is not None:
            evidence.append(probe_evidence(url, final, bool(chain.hops), text, probe))
        wording = not_found_wording(text)
        if wording:
            evidence.append(f"page says “{wording}”")
    evidence = [e for e in evidence if e]
    if evidence:
        return LiveStatus.SOFT_404, f"{steps}: " + "; ".join(evidence)
    note = {204: "no content", 300: "the server offers several versions (300)"}.get(end.status, "")
    if note:
        steps = f"{steps}: {note}"
    if chain.hops and not trivially_same(url, final):
        return LiveStatus.REDIRECTED, f"{steps}: {moved}"
    if chain.hops:
        return LiveStatus.OK, f"{steps} ({moved})"
    return LiveStatus.OK, steps
