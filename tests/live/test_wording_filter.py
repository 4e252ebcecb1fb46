"""The not-found wording check skips patterns that cannot match, and answers as if it ran them all.

``wording_in`` runs a pattern on a segment only when the segment holds one of the words every
match of that pattern contains. The reference below is the check without that filter: every
not-found and strict pattern on every segment, in order.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkwatch.compare.text import PageText, page_text
from linkwatch.live.soft404 import (
    _SEGMENT_SPLIT,
    _SENTENCE_SPLIT,
    _WORDING_CHECKS,
    NOT_FOUND_PATTERNS,
    SHORT_PAGE_CHARS,
    STRICT_PATTERNS,
    _words_left,
    not_found_wording,
    wording_in,
)
from tests.live.test_judging import NOT_FOUND_TITLES, OTHER_TITLES
from tests.web import local_web, newsroom


def _every_pattern(piece: str) -> str:
    folded = unicodedata.normalize("NFKC", piece).casefold().replace("’", "'")
    for segment in _SEGMENT_SPLIT.split(folded):
        segment = segment.strip()
        if not segment:
            continue
        for pattern in (*NOT_FOUND_PATTERNS, *STRICT_PATTERNS):
            match = pattern.search(segment)
            if match is None:
                continue
            latin, cjk = _words_left(segment, match)
            if latin <= (0 if pattern in STRICT_PATTERNS else 1) and cjk <= 6:
                return match.group(0).strip()
    return ""


def _every_pattern_page(text: PageText) -> str:
    for piece in (text.title, *text.headings[:3]):
        phrase = _every_pattern(piece)
        if phrase:
            return phrase
    if len(text.text) <= SHORT_PAGE_CHARS:
        for sentence in _SENTENCE_SPLIT.split(text.text):
            phrase = _every_pattern(sentence)
            if phrase:
                return phrase
    return ""


def _served_pages() -> list[PageText]:
    """The text of every HTML page the local web and the newsroom define as a constant."""
    pages = []
    for module in (local_web, newsroom):
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str | bytes) and "<title" in str(value):
                body = value.encode() if isinstance(value, str) else value
                pages.append(page_text(body, "text/html"))
            if name.isupper() and isinstance(value, dict):
                for page in value.values():
                    if isinstance(page, str) and "<title" in page:
                        pages.append(page_text(page.encode(), "text/html"))
    return pages


#: Titles, headings and sentences of known not-found pages and of pages that only talk
#: about missing things, in the languages the patterns cover (the judging tests' titles too).
KNOWN = [
    *NOT_FOUND_TITLES,
    *OTHER_TITLES,
    "The page you are looking for does not exist",
    "This page is no longer available",
    "We couldn't find that page",
    "Content has been removed",
    "Story deleted",
    "Page isn't available",
    "Page introuvable",
    "Page non trouvée",
    "Seite wurde nicht gefunden",
    "Página no encontrada",
    "Страница не найдена",
    "ページが見つかりません",
    "페이지를 찾을 수 없습니다",
    "无法找到该页面",
    "错误代码：404",
    "不存在或已删除",
    "ＰＡＧＥ ＮＯＴ ＦＯＵＮＤ",
    "HTTP 404",
    "Status code: 404",
    "404 error",
    "Bench page 127.0.10.5:8000/p/17.html",
    "",
    " | ",
]

_WORDS = (
    "page file article content story post not found was is can't cannot could couldn't be "
    "located available no longer exist exists does doesn't removed deleted has been you "
    "requested are looking for we find that the this unable to error http status code 404 "
    "500 sorry oops site news introuvable non trouvée seite nicht gefunden página encontrada "
    "страница не найдена 页面 网页 頁面 文章 信息 已经 已 被 删除 刪除 不存在 未找到 找不到 "
    "走丢了 飛走了 无法 無法 访问 该 或 错误 代码 您"
)
#: Pieces the generated strings are made of: the patterns' words, fillers, separators.
_PIECES = [
    *_WORDS.split(),
    "ページが見つかりません",
    "페이지를 찾을 수 없습니다",
    " | ",
    " - ",
    "_",
    " :: ",
    "!",
    ":",
    "’",
    "ＮＯＴ",
    "\n",
    ". ",
]


@pytest.mark.parametrize("piece", KNOWN)
def test_wording_of_known_titles_equals_every_pattern_run(piece: str) -> None:
    assert wording_in(piece) == _every_pattern(piece)


def test_wording_of_every_served_page_equals_every_pattern_run() -> None:
    pages = _served_pages()
    assert len(pages) >= 8
    for text in pages:
        for piece in (text.title, *text.headings, *_SENTENCE_SPLIT.split(text.text)):
            assert wording_in(piece) == _every_pattern(piece), piece
        assert not_found_wording(text) == _every_pattern_page(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=10), st.sampled_from(["", " ", "  ", "\t"]))
def test_wording_of_generated_pieces_equals_every_pattern_run(parts: list[str], sep: str) -> None:
    piece = sep.join(parts) if sep else " ".join(parts)
    assert wording_in(piece) == _every_pattern(piece)
    # Glued without spaces too: word boundaries and CJK runs change.
    glued = "".join(parts)
    assert wording_in(glued) == _every_pattern(glued)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("pagenotfu 404dr'’|-已不存在页面或找到"), max_size=40))
def test_wording_of_random_text_equals_every_pattern_run(piece: str) -> None:
    assert wording_in(piece) == _every_pattern(piece)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(KNOWN), max_size=3),
    st.lists(st.sampled_from(_PIECES), max_size=6),
)
def test_page_wording_equals_every_pattern_run(headings: list[str], words: list[str]) -> None:
    title = headings[0] if headings else ""
    text = PageText(title=title, text=" ".join(words), headings=tuple(headings))
    assert not_found_wording(text) == _every_pattern_page(text)


def test_each_needed_word_set_is_found_in_every_match_of_its_pattern() -> None:
    for piece in KNOWN + _PIECES:
        folded = unicodedata.normalize("NFKC", piece).casefold().replace("’", "'")
        for pattern, needed, _ in _WORDING_CHECKS:
            for match in re.finditer(pattern, folded):
                assert any(word in match.group(0) for word in needed), (pattern, piece)
