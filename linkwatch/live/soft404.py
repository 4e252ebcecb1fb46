"""Soft-404 evidence: not-found wording, redirects to the root or an error page, random probes.

A soft 404 answers 200 with the host's "not found" page. The proven test is
the random-sibling probe: ask the same host for a path beside the cited one
that cannot exist. If the host answers that with 404 it is honest, and its
pages' wording is not held against them. If it answers 200, a cited page that
lands where the probe landed, or whose text is nearly the probe's, is the
not-found page. Redirects are judged on their own, whatever the probe said:
hosts that answer random paths honestly still send deleted articles to their
home page.

Not-found wording is matched strictly, so that a real article about "404" or a
headline saying something was "not found" is not taken for an error page: the
phrase must be nearly all of a title segment, heading or sentence.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
import secrets
import unicodedata
import urllib.parse

from linkwatch.compare.similarity import jaccard, shingles
from linkwatch.compare.text import PageText, tokens
from linkwatch.live.urls import is_site_root

#: Probe text this similar to a page's text makes the page the host's not-found page.
SIMILARITY_THRESHOLD = 0.95

#: A page whose main text is this short is searched whole for not-found wording.
SHORT_PAGE_CHARS = 400

#: Not-found wording, matched in case-folded, NFKC-normalised text (English, Chinese in both
#: scripts, and the commonest other languages).
NOT_FOUND_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:page|file|document|article|content|resource|url|story|post|item|entry|record)"
        r"\s+(?:was\s+|is\s+)?not\s+found\b",
        r"\b404\b[^a-z]{0,6}not\s+found\b",
        r"\bpage\s+(?:is\s*n'?o?t|is\s+not)\s+available\b",
        r"\bpage\s+(?:does\s*n[o']?t|no\s+longer)\s+exists?\b",
        r"\b(?:page|file|document|article|content|story)\s+(?:you\s+(?:requested|were\s+looking"
        r"\s+for|are\s+looking\s+for|'re\s+looking\s+for)\s+)?(?:can\s*not|can'?t|could\s*n[o']?t"
        r"|was\s+not|is\s+not)\s+(?:be\s+)?(?:found|located)\b",
        r"\b(?:page|content|article|story|document|video|post)\s+(?:is\s+|has\s+been\s+)?"
        r"(?:no\s+longer\s+available|removed|deleted)\b",
        r"\bpage\s+you\s+(?:requested|are\s+looking\s+for|were\s+looking\s+for|'re\s+looking"
        r"\s+for)\b",
        r"\b(?:couldn'?t|could\s+not|can'?t|cannot|unable\s+to)\s+find\s+(?:that|the|this)\s+page\b",
        r"^\W*(?:\d{3}\s*)?not\s+found\W*$",
        r"page\s+introuvable|page\s+non\s+trouv[ée]e|seite\s+(?:wurde\s+)?nicht\s+gefunden"
        r"|p[áa]gina\s+no\s+encontrada|страница\s+не\s+найдена|ページが見つかりません"
        r"|페이지를\s*찾을\s*수\s*없습니다",
        # Chinese, simplified and traditional.
        r"(?:页面|网页|頁面|網頁|文章|信息|資訊|内容|內容|稿件|资源|資源|文件|链接|鏈接|連結|新闻|新聞)"
        r"(?:已经|已經)?(?:不存在|未找到|找不到|已(?:被)?(?:删除|刪除|失效|过期|過期|下线|下線|撤下)"
        r"|走丢了|走丟了|飞走了|飛走了)",
        r"找不到(?:该|此|該|这个|這個|您要的|您要访问的|您要訪問的|您所访问的|您所訪問的|相关|相關)?"
        r"(?:页面|网页|頁面|網頁|文章|信息|內容|内容)",
        r"(?:无法|無法)(?:找到|访问|訪問|显示|顯示)(?:该|此|該|这个|這個|您要的)?(?:页面|网页|頁面|網頁)",
        r"404\s*(?:错误|錯誤|页面|頁面)|(?:错误|錯誤)\s*(?:代码|代碼)?\s*:?\s*404",
        r"(?:不存在|已被?(?:删除|刪除))或(?:已被?(?:删除|刪除)|不存在)",
    )
)

#: Bare "404" wording; it must be all of its segment ("Error 404 | Site"), not a topic
#: ("What is a 404 error?").
STRICT_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"\b(?:error|http|status)\s*(?:code)?\s*:?\s*404\b",
        r"\b404\s*(?:error|page)\b",
        r"^\W*(?:error\s*)?404\W*$",
    )
)

#: For each pattern above (not-found first, then strict), words one of which every match
#: contains. A segment with none of a pattern's words cannot match it, so the pattern is not
#: run there; a piece with none of them at all is answered at once (most titles and headings).
#: ``tests/live/test_wording_filter.py`` holds the answers equal to running every pattern.
_NEEDED_WORDS: tuple[tuple[str, ...], ...] = (
    ("found",),
    ("found",),
    ("available",),
    ("exist",),
    ("found", "located"),
    ("available", "removed", "deleted"),
    ("requested", "looking"),
    ("find",),
    ("found",),
    ("introuvable", "trouv", "gefunden", "encontrada", "найдена", "見つかりません", "찾을"),
    ("不存在", "未找到", "找不到", "已", "走丢了", "走丟了", "飞走了", "飛走了"),
    ("找不到",),
    ("无法", "無法"),
    ("404",),
    ("或",),
    ("404",),
    ("404",),
    ("404",),
)
#: Each pattern with its needed words and the words it leaves room for (none when strict).
_WORDING_CHECKS: tuple[tuple[re.Pattern[str], tuple[str, ...], int], ...] = tuple(
    zip(
        (*NOT_FOUND_PATTERNS, *STRICT_PATTERNS),
        _NEEDED_WORDS,
        (1,) * len(NOT_FOUND_PATTERNS) + (0,) * len(STRICT_PATTERNS),
        strict=True,
    )
)
_ANY_NEEDED_WORD = re.compile(
    "|".join(re.escape(word) for word in sorted({w for ws in _NEEDED_WORDS for w in ws}))
)

#: Words a not-found message is made of besides its key phrase.
_FILLER_WORDS = """sorry oops whoops oh no uh hmm the a an this that it its we you your i
    requested request
    looking for were are is was be been has have had page pages file document could can cannot
    cant couldnt not found does doesnt exist exists error http status code find unable to may
    might moved deleted removed or and longer available of on site here there anymore seems like
    looks thats we re s t url address link resource content article server dang uh-oh"""
_LATIN_FILLER = frozenset(_FILLER_WORDS.split())
_CJK_FILLER = re.compile(
    r"对不起|對不起|很抱歉|抱歉|哎呀|温馨|溫馨|提示|信息|資訊|错误|錯誤|访问|訪問|您|你|所|要|的|该|此|該"
    r"|这个|這個|或|已经|已經|已|被|了|啊|呀|噢|哦|请|請|返回|首页|首頁|可能|网站|網站|页面|頁面|网页|網頁"
    r"|不存在|删除|刪除"
)
_SEGMENT_SPLIT = re.compile(
    r"\s+[|\-–—·•»:]\s+|\s*[|｜_»·•—–]\s*|\s+::\s+|(?<=[\u4e00-\u9fff])-|-(?=[\u4e00-\u9fff])"
)
_SENTENCE_SPLIT = re.compile(r"[。！？!?\n;；]+|\.\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[^\W\d_]+")

#: Path segments of error pages.
_ERROR_SEGMENT = re.compile(
    r"(?:^|[/_.\-])(?:404|not[-_]?found|page[-_]?not[-_]?found|notfound|error|errors|err"
    r"|error[-_]?404|404[-_]?error|errorpage|error[-_]?page|nopage|no[-_]?such[-_]?page)"
    r"(?:[/_.\-]|$)",
    re.IGNORECASE,
)
#: Query parameters that carry an error code (``?error=404``, IIS's ``?404;http://…``,
#: ASP.NET's ``aspxerrorpath``).
_ERROR_QUERY = re.compile(
    r"(?:^|&)(?:(?:error|err|code|status|errorcode|error_code|errcode|statuscode)=40[0-9]\b"
    r"|aspxerrorpath=|404;|notfound\b|pagenotfound\b)",
    re.IGNORECASE,
)
#: Query keys that do not select content: a root URL carrying only these is still the root.
_NOISE_KEYS = frozenset(
    {"from", "ref", "source", "src", "lang", "locale", "error", "err", "code", "status", "msg"}
)

#: Where sites send visitors who must sign in first.
_LOGIN_HOST = re.compile(r"^(?:login|signin|sso|auth|accounts?|idp|passport|cas|secure)\.")
_LOGIN_PATH = re.compile(
    r"(?:^|/)(?:log[-_]?in|log[-_]?on|sign[-_]?in|sso|cas/login|oauth2?/authorize|authorize"
    r"|saml2?|shibboleth(?:\.sso)?|wp-login\.php|session/new|users/sign_in|accounts/login"
    r"|login\.(?:php|aspx?|jsp|do|html?)|logon\.(?:aspx?|do|jsp)|signin\.(?:aspx?|php|html?))"
    r"(?:[/?.]|$)",
    re.IGNORECASE,
)


def _words_left(segment: str, match: re.Match[str]) -> tuple[int, int]:
    """Latin words and CJK characters of ``segment`` outside the match that are not filler."""
    rest = segment[: match.start()] + " " + segment[match.end() :]
    cjk_rest = _CJK_FILLER.sub("", rest)
    cjk = len(_CJK.findall(cjk_rest))
    words = _LATIN_WORD.findall(_CJK.sub(" ", rest))
    latin = [w for w in words if w.replace("'", "") not in _LATIN_FILLER]
    return len(latin), cjk


def wording_in(piece: str) -> str:
    """The not-found phrase that makes up nearly all of a title segment or sentence, or ``""``.

    "Page not found | City News", "404", "您访问的页面不存在" and "该页面已被删除" match;
    "What is a 404 error? A complete guide" and "Bodies not found in river" do not.
    """
    folded = unicodedata.normalize("NFKC", piece).casefold().replace("’", "'")
    if _ANY_NEEDED_WORD.search(folded) is None:
        return ""
    for segment in _SEGMENT_SPLIT.split(folded):
        segment = segment.strip()
        if not segment:
            continue
        for pattern, needed, latin_allowed in _WORDING_CHECKS:
            if not any(word in segment for word in needed):
                continue
            match = pattern.search(segment)
            if match is None:
                continue
            latin, cjk = _words_left(segment, match)
            if latin <= latin_allowed and cjk <= 6:
                return match.group(0).strip()
    return ""


def not_found_wording(text: PageText | None) -> str:
    """The not-found phrase in a page's title, first headings or (short pages) text, or ``""``."""
    if text is None:
        return ""
    # A heading that repeats the title (most pages) is read once.
    for piece in dict.fromkeys((text.title, *text.headings[:3])):
        phrase = wording_in(piece)
        if phrase:
            return phrase
    if len(text.text) <= SHORT_PAGE_CHARS:
        for sentence in _SENTENCE_SPLIT.split(text.text):
            phrase = wording_in(sentence)
            if phrase:
                return phrase
    return ""


def _host(url: str) -> str:
    return (urllib.parse.urlsplit(url).hostname or "").removeprefix("www.")


def _is_root_like(parts: urllib.parse.SplitResult) -> bool:
    """A site's home page, allowing a query of only non-selecting keys (``/?from=404``)."""
    bare = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    if not is_site_root(bare):
        return False
    keys = {k.lower() for k, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)}
    return keys <= _NOISE_KEYS


def login_evidence(original: str, final: str) -> str:
    """Why ``final`` is a sign-in page that ``original`` redirected to, or ``""``."""
    if final == original:
        return ""
    fin = urllib.parse.urlsplit(final)
    orig = urllib.parse.urlsplit(original)

    def login_like(parts: urllib.parse.SplitResult) -> bool:
        return bool(
            _LOGIN_HOST.match(parts.hostname or "") or _LOGIN_PATH.search(parts.path or "/")
        )

    if login_like(fin) and not login_like(orig):
        return f"redirects to a sign-in page ({fin.hostname}{fin.path})"
    return ""


def redirect_evidence(original: str, final: str) -> str:
    """Why a redirect from ``original`` to ``final`` looks like a soft 404, or ``""``.

    The site root (also another host's, or with only ``?from=…``-like keys), an
    error-looking path or query (``/404.html``, ``/notfound``, ``?error=404``), or a
    section page above the cited one on the same host.
    """
    if final == original:
        return ""
    fin = urllib.parse.urlsplit(final)
    orig = urllib.parse.urlsplit(original)
    if _is_root_like(fin) and not is_site_root(
        urllib.parse.urlunsplit((orig.scheme, orig.netloc, orig.path, orig.query, ""))
    ):
        return "redirects to the site root (home page)"
    if _ERROR_SEGMENT.search(fin.path) and not _ERROR_SEGMENT.search(orig.path):
        return f"redirects to an error page ({fin.path})"
    if _ERROR_QUERY.search(fin.query) and not _ERROR_QUERY.search(orig.query):
        return f"redirects to an error page ({fin.path}?{fin.query})"
    if _host(final) == _host(original) and not fin.query:
        up = fin.path if fin.path.endswith("/") else fin.path + "/"
        here = orig.path.rstrip("/")
        if up != "/" and here.startswith(up) and len(here) > len(up):
            return f"redirects up to a section page ({fin.path})"
    return ""


_DIGITS = re.compile(r"\d+")
#: Query values that select content (ids), as opposed to tracking or display options.
_ID_VALUE = re.compile(
    r"^(?:\d+|[0-9a-f]{8,}|[0-9a-f-]{32,36}|[a-z]*[-_]?\d{3,}[a-z0-9_-]*)$", re.IGNORECASE
)
_TRACKING_KEY = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|spm|from|ref|source|share|lang|locale|page|p|sort|order|ts|t|v)$",
    re.IGNORECASE,
)


def _random_digits(length: int) -> str:
    # Short numbers are widened so the probe cannot hit a real page by chance.
    length = max(length, 7)
    return str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(length - 1)
    )


def _id_params(query: str) -> list[tuple[str, str]] | None:
    """The query with its content-selecting values randomised; None if it has none."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    changed = False
    out: list[tuple[str, str]] = []
    for key, value in pairs:
        if value and not _TRACKING_KEY.match(key) and _ID_VALUE.match(value):
            out.append((key, _DIGITS.sub(lambda m: _random_digits(len(m.group(0))), value)))
            if out[-1][1] == value:
                out[-1] = (key, f"lw{secrets.token_hex(8)}")
            changed = True
        else:
            out.append((key, value))
    return out if changed else None


def probe_url(url: str) -> str:
    """A URL beside ``url`` that the host cannot know, shaped like ``url``.

    A query that selects content by id (``view.php?id=123``) keeps its path and gets
    random ids; a file name with numbers (``art_1229_4471.html``, ``t20190506_123.html``)
    keeps its letters and gets random numbers, so that sites which route by id
    answer as they do for a deleted article; any other name becomes ``lw`` + 16 hex
    digits with the same extension.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.query:
        params = _id_params(parts.query)
        if params is not None:
            query = urllib.parse.urlencode(params)
            return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    directory, name = posixpath.split(parts.path or "/")
    stem, ext = posixpath.splitext(name) if name else ("", "")
    if not directory.endswith("/"):
        directory += "/"
    if stem and _DIGITS.search(stem) and re.fullmatch(r"[A-Za-z0-9_.-]+", stem):
        new = _DIGITS.sub(lambda m: _random_digits(len(m.group(0))), stem)
    else:
        new = f"lw{secrets.token_hex(8)}"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, directory + new + ext, "", ""))


@dataclasses.dataclass(frozen=True, slots=True)
class Probe:
    """How a host answered a path that cannot exist."""

    url: str
    http_status: int | None
    """``None`` when the probe itself failed (then it proves nothing)."""
    final_url: str = ""
    text: PageText | None = None

    @property
    def honest(self) -> bool:
        """The host said the path does not exist (4xx)."""
        return self.http_status is not None and 400 <= self.http_status < 500

    @property
    def answered_ok(self) -> bool:
        """The host answered the nonsense path with a 2xx page."""
        return self.http_status is not None and 200 <= self.http_status < 300


def _content_tokens(text: PageText, url: str) -> list[str]:
    # A not-found page often echoes the requested path; leave those words out
    # so the echo does not make two not-found pages look different.
    parts = urllib.parse.urlsplit(url)
    drop = set(tokens(urllib.parse.unquote(f"{parts.path} {parts.query}")))
    return [t for t in tokens(f"{text.title} {text.text}") if t not in drop]


def text_similarity(a: PageText, a_url: str, b: PageText, b_url: str) -> float:
    """Shingle resemblance of two pages' texts, words of their own URLs left out.

    ``b`` is the probe's page: its shingles are made once per probe (when short).
    """
    return jaccard(shingles(_content_tokens(a, a_url)), _probe_shingles(b, b_url))


#: Probe pages up to this many characters have their shingles kept for the run's next pages.
_CACHED_PROBE_CHARS = 20_000


def _probe_shingles(text: PageText, url: str) -> frozenset[str]:
    if len(text.text) > _CACHED_PROBE_CHARS:
        return shingles(_content_tokens(text, url))
    return _cached_shingles(text, url)


@functools.lru_cache(maxsize=256)
def _cached_shingles(text: PageText, url: str) -> frozenset[str]:
    # A host's probe page is compared with every page of that host.
    return shingles(_content_tokens(text, url))


def _landing_key(final_url: str, asked: str) -> str:
    """``final_url`` with the words of the asked URL masked (``/search?q=<asked>``)."""
    parts = urllib.parse.urlsplit(asked)
    name = posixpath.basename(parts.path.rstrip("/"))
    stem = posixpath.splitext(name)[0]
    key = urllib.parse.unquote(final_url)
    words = {asked, parts.path, name, stem, parts.query} - {"", "/"}
    for word in sorted(words, key=len, reverse=True):
        key = key.replace(word, "\x00")
        key = key.replace(urllib.parse.unquote(word), "\x00")
    return key


def _moved_elsewhere(asked: str, final: str) -> bool:
    """Whether a redirect changed the path, not only the scheme, host, slash or query."""
    a, f = urllib.parse.urlsplit(asked), urllib.parse.urlsplit(final)
    return a.path.rstrip("/") != f.path.rstrip("/")


def probe_evidence(
    url: str, final_url: str, redirected: bool, text: PageText | None, probe: Probe
) -> str:
    """Why a 2xx page is the host's not-found page, judged against the probe, or ``""``."""
    if not probe.answered_ok:
        return ""
    same_landing = final_url == probe.final_url or (
        _moved_elsewhere(url, final_url)
        and _moved_elsewhere(probe.url, probe.final_url)
        and _landing_key(final_url, url) == _landing_key(probe.final_url, probe.url)
    )
    if redirected and probe.final_url and final_url != url and same_landing:
        return f"redirects where unknown paths go ({final_url})"
    if text is not None and probe.text is not None and (text.text or text.title):
        similarity = text_similarity(text, url, probe.text, probe.url)
        if similarity >= SIMILARITY_THRESHOLD:
            return f"matches this host's not-found page (similarity {similarity:.2f})"
    return ""
