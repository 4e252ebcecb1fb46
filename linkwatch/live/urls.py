"""URL keys: one check per distinct URL, DOIs recognised, hosts and path shapes named.

Every URL string is judged by the WHATWG URL Standard's parser (``ada-url``): a string it
rejects, or one that is not ``http``/``https``, cannot be fetched and is named
``invalid-url`` with a reason (:func:`parse_web_url`); one it accepts is fetched in the
form it serialises to (tabs and newlines removed, host lower-cased and IDNA-encoded,
IPv4 shorthand resolved, dot segments removed, default port dropped), less the fragment.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
import unicodedata
import urllib.parse

import ada_url

from linkwatch.records import Citation

#: The canonical resolver form of a DOI key.
DOI_PREFIX = "https://doi.org/"

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_INDEX_FILE = re.compile(r"/(index|default|home)\.(s?html?|php|aspx?|jspx?|do)")


# Leading and trailing C0 controls and spaces are not part of a URL (URL Standard, "basic URL
# parser"); tabs and newlines inside it are dropped by the parser.
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_AUTHORITY_END = re.compile(r"[/\\?#]")
# Code points the Standard forbids in a host (forbidden host and domain code points).
_FORBIDDEN_HOST = frozenset(" #%/:<>?@[\\]^|\x7f")


@dataclasses.dataclass(frozen=True, slots=True)
class WebUrl:
    """A URL string judged: the form it is fetched by, or why it cannot be fetched."""

    url: str
    """The normalised URL; when ``problem`` is set, the input stripped of outer spaces."""
    problem: str = ""
    """Why the string cannot be fetched as an http(s) URL (``""`` when it can)."""


def parse_web_url(text: str) -> WebUrl:
    """Judge ``text`` as an http(s) URL: its normalised form, or the problem that stops it.

    Follows the URL Standard except on purpose in one way: a control character left
    inside the URL (after the outer ones are trimmed and tabs and newlines dropped) makes
    it invalid rather than percent-encoded, since a cited URL never holds one and fetching
    the encoded form would only report a missing page (``docs/live-check.md``).
    """
    trimmed = text.strip(_C0_OR_SPACE)
    if not trimmed:
        return WebUrl(trimmed, "empty URL")
    inner = trimmed.translate(_TAB_OR_NEWLINE)
    control = _CONTROL.search(inner)
    if control is not None:
        return WebUrl(trimmed, f"contains the control character {_describe(control.group())}")
    try:
        parsed = ada_url.URL(inner)
    except ValueError:
        return WebUrl(trimmed, _why_rejected(inner))
    if parsed.protocol not in ("http:", "https:"):
        return WebUrl(trimmed, f"scheme {parsed.protocol[:-1]!r} is not http or https")
    return WebUrl(parsed.href.split("#", 1)[0])


def url_problem(url: str) -> str:
    """Why ``url`` cannot be fetched as an http(s) URL, or ``""`` when it can."""
    return parse_web_url(url).problem


def normalise_url(url: str) -> str:
    """The form under which a URL is checked once per run (see :func:`parse_web_url`).

    A string that cannot be fetched comes back stripped but otherwise unchanged.
    """
    return parse_web_url(url).url


def _describe(char: str) -> str:
    """A character named for a reason: ``'<'``, ``a space``, ``U+0000``."""
    if char == " ":
        return "a space"
    if _CONTROL.fullmatch(char) or not char.isprintable():
        return f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    return f"{char!r}" + (f" ({name.lower()})" if name and not char.isalnum() else "")


def _why_rejected(text: str) -> str:
    """The reason the Standard's parser rejected ``text``, as near as it can be named."""
    scheme = _SCHEME.match(text)
    if scheme is None:
        return "not an absolute URL (no scheme such as https:)"
    name = scheme.group(1).lower()
    if name not in ("http", "https"):
        return f"scheme {name!r} is not http or https"
    rest = text[scheme.end() :].lstrip("/\\")
    authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]
    hostport = authority.rpartition("@")[2]
    if not hostport:
        return "no host"
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            return f"IPv6 address {hostport!r} is not closed with ']'"
        host, after = hostport[: end + 1], hostport[end + 1 :]
        if after and not after.startswith(":"):
            return f"unexpected {after!r} after the IPv6 address"
        port = after[1:]
        if not port and not _parses(f"http://{host}/"):
            return f"{host} is not a valid IPv6 address"
    else:
        if hostport.count(":") > 1:
            return f"an IPv6 address must be in brackets ([{hostport}])"
        host, _, port = hostport.partition(":")
    if port and not port.isdigit():
        return f"port {port!r} is not a number"
    if port and int(port) > 65535:
        return f"port {int(port)} is out of range"
    if not host:
        return "no host"
    if host.startswith("["):
        return f"{host} is not a valid IPv6 address"
    return _host_problem(host)


def _host_problem(host: str) -> str:
    bad = next((c for c in host if c in _FORBIDDEN_HOST or _CONTROL.fullmatch(c)), None)
    if bad is not None and bad != "%":
        return f"host {host!r} contains {_describe(bad)}"
    try:
        decoded = urllib.parse.unquote(host, errors="strict")
    except UnicodeDecodeError:
        return f"host {host!r} has percent-encoding that does not decode as UTF-8"
    bad = next((c for c in decoded if c in _FORBIDDEN_HOST or _CONTROL.fullmatch(c)), None)
    if bad is not None:
        return f"host {host!r} decodes to a name containing {_describe(bad)}"
    labels = decoded.rstrip(".").split(".")
    if labels and labels[-1] and (labels[-1].isdigit() or labels[-1].lower().startswith("0x")):
        return f"host {host!r} looks like an IPv4 address but is not a valid one"
    if not ada_url.idna_to_ascii(decoded):
        return f"host {host!r} cannot be encoded as an international domain name (IDNA)"
    return f"host {host!r} is not a valid host name"


def _parses(text: str) -> bool:
    return bool(ada_url.check_url(text))


def doi_of(text: str) -> str:
    """The DOI in ``text`` (``10.…``, ``doi:10.…``, a doi.org URL), lower-cased, or ``""``."""
    text = text.strip()
    if text.lower().startswith("doi:"):
        text = text[4:].strip()
    else:
        try:
            parts = urllib.parse.urlsplit(text)
        except ValueError:
            return ""
        if parts.scheme in ("http", "https") and (parts.hostname or "") in _DOI_HOSTS:
            text = urllib.parse.unquote(parts.path.lstrip("/"))
    return text.lower() if _DOI.match(text) else ""


def citation_key(citation: Citation) -> str:
    """The URL checked for a citation: its URL normalised, a DOI as ``https://doi.org/<doi>``.

    ``""`` when the citation has neither.
    """
    doi = doi_of(citation.url) or (doi_of(citation.doi) if not citation.url else "")
    if doi:
        return DOI_PREFIX + doi
    if citation.url:
        return normalise_url(citation.url)
    return ""


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL: the unit of politeness and pooling."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}".lower()


def path_shape(url: str) -> str:
    """The directory, file kind and query keys of a URL, e.g. ``/news/*.html``, ``/*.php?id``.

    Probes are made once per shape: a query that selects content is probed with its
    own keys, so ``view.php?id=…`` and ``list.php?page=…`` are not judged by one probe.
    """
    parts = urllib.parse.urlsplit(url)
    directory, name = posixpath.split(parts.path or "/")
    ext = posixpath.splitext(name)[1].lower() if name else ""
    if not directory.endswith("/"):
        directory += "/"
    keys = sorted({k for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)})
    return f"{directory}*{ext}" + (f"?{'&'.join(keys)}" if keys else "")


def is_site_root(url: str) -> bool:
    """Whether ``url`` is a site's home page (path ``/`` or an index file, no query)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    return not parts.query and (path == "/" or _INDEX_FILE.fullmatch(path) is not None)
