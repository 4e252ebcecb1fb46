"""URL keys: one check per distinct URL, DOIs recognised, hosts and path shapes named."""

from __future__ import annotations

import posixpath
import re
import urllib.parse

from linkwatch.records import Citation

#: The canonical resolver form of a DOI key.
DOI_PREFIX = "https://doi.org/"

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_INDEX_FILE = re.compile(r"/(index|default|home)\.(s?html?|php|aspx?|jspx?|do)")


def normalise_url(url: str) -> str:
    """The form under which a URL is checked once per run.

    Scheme and host lower-cased, default port and fragment dropped, an empty
    path made ``/``; the path and query are kept as written (servers may treat
    them case-sensitively). A string that is not an absolute URL comes back
    stripped but otherwise unchanged.
    """
    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not scheme or not host:
        return url
    if ":" in host:
        host = f"[{host}]"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        host = f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}" if userinfo else host
    return urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


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


#: A plain ``scheme://authority`` start: what nearly every URL the live check sees looks like.
_PLAIN_ORIGIN = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#@\\]*)(?=[/?#]|$)")


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL: the unit of politeness and pooling."""
    # Asked several times per URL (queueing, pacing each hop, sharding), so the common
    # case skips urlsplit; anything unusual (credentials, spaces, controls) takes it.
    plain = _PLAIN_ORIGIN.match(url)
    if plain is not None and url.isprintable() and " " not in url:
        return plain.group(0).lower()
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
