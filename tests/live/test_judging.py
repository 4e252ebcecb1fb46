"""The live judgement as pure functions: status codes, wording, redirects, probes, bot walls."""

from __future__ import annotations

import re

import httpx
import pytest

from linkwatch.compare.text import PageText, decode_body
from linkwatch.live.fetch import Answer, Chain
from linkwatch.live.judge import is_retryable, judge_answer, status_for_code
from linkwatch.live.soft404 import (
    Probe,
    login_evidence,
    not_found_wording,
    probe_evidence,
    probe_url,
    redirect_evidence,
    wording_in,
)
from linkwatch.status import LiveStatus


def _answer(
    status: int, url: str = "http://a.test/p.html", body: bytes = b"", **headers: str
) -> Answer:
    return Answer("GET", url, status, httpx.Headers(headers), body, False)


def _chain(status: int, hops: tuple[tuple[int, str], ...] = (), **kw: object) -> Chain:
    url = hops[-1][1] if hops else "http://a.test/p.html"
    return Chain(hops, _answer(status, url, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (100, LiveStatus.SERVER_ERROR),
        (103, LiveStatus.SERVER_ERROR),
        (200, LiveStatus.OK),
        (203, LiveStatus.OK),
        (204, LiveStatus.OK),
        (206, LiveStatus.OK),
        (300, LiveStatus.OK),
        (301, LiveStatus.CONNECTION_ERROR),
        (304, LiveStatus.OK),
        (305, LiveStatus.CONNECTION_ERROR),
        (400, LiveStatus.CLIENT_ERROR),
        (401, LiveStatus.FORBIDDEN),
        (402, LiveStatus.FORBIDDEN),
        (403, LiveStatus.FORBIDDEN),
        (404, LiveStatus.NOT_FOUND),
        (405, LiveStatus.CLIENT_ERROR),
        (407, LiveStatus.FORBIDDEN),
        (408, LiveStatus.TIMEOUT),
        (410, LiveStatus.GONE),
        (418, LiveStatus.FORBIDDEN),
        (429, LiveStatus.RATE_LIMITED),
        (451, LiveStatus.FORBIDDEN),
        (500, LiveStatus.SERVER_ERROR),
        (503, LiveStatus.SERVER_ERROR),
        (520, LiveStatus.SERVER_ERROR),
        (522, LiveStatus.SERVER_ERROR),
        (530, LiveStatus.SERVER_ERROR),
        (999, LiveStatus.FORBIDDEN),
        (600, LiveStatus.SERVER_ERROR),
    ],
)
def test_every_status_class_gets_a_live_word(code: int, status: LiveStatus) -> None:
    assert status_for_code(code) is status


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (101, "informational"),
        (301, "Location"),
        (401, "sign-in"),
        (402, "paywall"),
        (407, "proxy"),
        (418, "bot wall"),
        (451, "legal"),
        (521, "CDN"),
        (530, "CDN"),
        (999, "bot wall"),
        (799, "outside the HTTP standard"),
    ],
)
def test_unusual_codes_are_explained_in_the_reason(code: int, words: str) -> None:
    _, reason = judge_answer("http://a.test/p.html", _chain(code), [], None, None)
    assert words in reason


def test_cloudflare_challenge_is_a_bot_wall_not_a_server_error_and_is_not_retried() -> None:
    body = b"<html><head><title>Just a moment...</title></head><body></body></html>"
    chain = _chain(503, body=body, server="cloudflare")
    status, reason = judge_answer("http://a.test/p.html", chain, [], None, None)
    assert status is LiveStatus.FORBIDDEN and "challenge" in reason
    assert not is_retryable(chain.end)
    assert is_retryable(_answer(503, body=b"<title>Service unavailable</title>"))


def test_challenge_marked_by_header_on_a_2xx_answer_is_forbidden() -> None:
    chain = _chain(202, **{"x-amzn-waf-action": "challenge"})
    status, reason = judge_answer("http://a.test/p.html", chain, [], None, None)
    assert status is LiveStatus.FORBIDDEN and "AWS WAF" in reason


def test_unsolicited_304_is_named_as_such() -> None:
    status, reason = judge_answer(
        "http://a.test/p.html", _chain(304), [], None, None, conditional=False
    )
    assert status is LiveStatus.OK and "nothing was asked conditionally" in reason
    status, reason = judge_answer("http://a.test/p.html", _chain(304), [], None, None)
    assert "not modified since the last check" in reason


#: Titles of not-found pages, in the languages the wording covers.
NOT_FOUND_TITLES = [
    "Page not found | City News",
    "404",
    "404 Not Found",
    "Not Found",
    "Error 404 (Not Found)!!1",
    "Oops! That page can’t be found.",
    "Sorry, the page you requested could not be found",
    "Seite nicht gefunden",
    "页面不存在_某市人民政府",
    "您访问的页面不存在",
    "您所访问的页面已删除",
    "该页面已被删除",
    "页面未找到",
    "找不到该页面",
    "404错误页面",
    "页面走丢了",
    "对不起，您访问的页面不存在或已被删除",
    "找不到該頁面",
    "頁面不存在",
    "網頁已刪除",
]
#: Titles that speak of 404s or of things not found without being not-found pages.
OTHER_TITLES = [
    "What is a 404 error?",
    "What is a 404 error? A complete guide for webmasters",
    "Error 404: the story of the missing page",
    "Missing hikers not found after week-long search",
    "Drug no longer available in China, patients say",
    "网民反映部分政府网站页面不存在问题",
    "Labour transfer notice",
    "提示信息",
]


@pytest.mark.parametrize("title", NOT_FOUND_TITLES)
def test_not_found_wording_in_titles_is_recognised(title: str) -> None:
    assert wording_in(title)


@pytest.mark.parametrize("title", OTHER_TITLES)
def test_titles_about_404_or_things_not_found_are_not_not_found_pages(title: str) -> None:
    assert wording_in(title) == ""


def test_short_page_body_with_not_found_wording_counts_but_a_long_article_does_not() -> None:
    short = PageText(title="市人民政府网站", text="对不起，您访问的信息不存在！ 返回首页")
    assert not_found_wording(short) == "信息不存在"
    long_text = "The page you requested could not be found. " + "Real reporting. " * 40
    assert not_found_wording(PageText(title="Report", text=long_text)) == ""


@pytest.mark.parametrize(
    ("original", "final", "words"),
    [
        ("http://a.test/news/2019/x.html", "http://a.test/", "site root"),
        ("http://a.test/news/x.html", "https://www.other.test/", "site root"),
        ("http://a.test/news/x.html", "http://a.test/index.shtml", "site root"),
        ("http://a.test/x", "http://a.test/?from=404", "site root"),
        ("http://a.test/x.html", "http://a.test/404.html", "error page"),
        ("http://a.test/x.html", "http://a.test/error404.html", "error page"),
        ("http://a.test/x.html", "http://a.test/notfound", "error page"),
        ("http://a.test/x.html", "http://a.test/page-not-found/", "error page"),
        ("http://a.test/x.html", "http://a.test/search?error=404", "error page"),
        ("http://a.test/x.aspx", "http://a.test/Error.aspx?aspxerrorpath=/x.aspx", "error page"),
        ("http://a.test/x.html", "http://a.test/custom.htm?404;http://a.test/x.html", "error"),
        ("http://a.test/news/2019/story.html", "http://a.test/news/", "section page"),
    ],
)
def test_redirects_that_mean_the_page_is_gone(original: str, final: str, words: str) -> None:
    assert words in redirect_evidence(original, final)


@pytest.mark.parametrize(
    ("original", "final"),
    [
        ("http://a.test/news", "http://a.test/news/"),
        ("http://a.test/x.html", "https://a.test/x.html"),
        ("http://a.test/x.html", "https://www.a.test/x.html"),
        ("http://a.test/old/x.html", "http://a.test/new/x.html"),
        ("http://a.test/x", "http://a.test/?p=123"),
        ("http://a.test/", "https://a.test/index.html"),
        ("http://a.test/news/x.html", "http://b.test/news/"),
    ],
)
def test_redirects_that_move_a_page_are_not_soft_404s(original: str, final: str) -> None:
    assert redirect_evidence(original, final) == ""


def test_redirect_to_the_home_page_is_soft_404_even_when_the_probe_was_honest() -> None:
    chain = _chain(200, ((301, "http://a.test/"),))
    honest = Probe(url="http://a.test/lw1.html", http_status=404)
    status, reason = judge_answer("http://a.test/news/x.html", chain, [], None, honest)
    assert status is LiveStatus.SOFT_404 and "home page" in reason


def test_honest_probe_keeps_a_page_whose_title_says_404_alive() -> None:
    honest = Probe(url="http://a.test/lw1.html", http_status=404)
    text = PageText(title="404", text="A short essay on the number 404.")
    status, _ = judge_answer("http://a.test/p.html", _chain(200), [], text, honest)
    assert status is LiveStatus.OK


@pytest.mark.parametrize(
    ("original", "final"),
    [
        ("https://weibo.com/123/abc", "https://passport.weibo.com/visitor/visitor?entry=mb"),
        ("http://a.test/report.html", "http://b.test/cas/login?service=http://a.test/report.html"),
        ("https://x.test/a", "https://x.test/users/sign_in"),
        ("https://x.test/a", "https://x.test/wp-login.php?redirect_to=%2Fa"),
        ("https://x.test/a", "https://login.x.test/"),
    ],
)
def test_redirect_to_a_sign_in_page_is_forbidden(original: str, final: str) -> None:
    assert "sign-in" in login_evidence(original, final)
    status, reason = judge_answer(original, _chain(200, ((302, final),)), [], None, None)
    assert status is LiveStatus.FORBIDDEN and "inconclusive" in reason


def test_a_page_that_is_itself_a_login_page_is_not_flagged() -> None:
    assert login_evidence("https://x.test/login", "https://x.test/login/") == ""


@pytest.mark.parametrize(
    ("url", "shape"),
    [
        ("http://a.test/news/view.php?id=123", r"/news/view\.php\?id=\d{7}"),
        (
            "http://a.test/index.php?option=com_content&view=article&id=55",
            r"/index\.php\?option=com_content&view=article&id=\d{7}",
        ),
        ("http://a.test/art/2019/5/6/art_1229_456.html", r"/art/2019/5/6/art_\d{7}_\d{7}\.html"),
        ("http://a.test/xxgk/t20190506_123456.html", r"/xxgk/t\d{8}_\d{7}\.html"),
        ("http://a.test/news/12345678", r"/news/\d{8}"),
        ("http://a.test/news/my-article.html", r"/news/lw[0-9a-f]{16}\.html"),
        ("http://a.test/p.html?utm_source=x", r"/lw[0-9a-f]{16}\.html"),
    ],
)
def test_probe_is_shaped_like_the_cited_url(url: str, shape: str) -> None:
    probe = probe_url(url)
    assert probe.startswith("http://a.test/")
    assert re.fullmatch(shape, probe[len("http://a.test") :]), probe
    assert probe != url


def test_probe_landing_on_a_search_page_for_its_own_name_matches_the_cited_page() -> None:
    probe = Probe(
        url="http://a.test/news/lwabc.html",
        http_status=200,
        final_url="http://a.test/search?q=lwabc",
    )
    url = "http://a.test/news/story-5.html"
    assert "unknown paths go" in probe_evidence(
        url, "http://a.test/search?q=story-5", True, None, probe
    )
    assert probe_evidence(url, "http://a.test/news/story-5.html?lang=en", True, None, probe) == ""


def test_gbk_page_cut_mid_character_by_the_read_cap_is_still_read_as_gbk() -> None:
    page = "<html><head><title>劳动力转移</title></head><body>" + "转移就业工作情况。" * 400
    body = page.encode("gbk")
    cut = body[: len(body) - 1]  # the last character loses its second byte
    decoded = decode_body(cut, "text/html; charset=gbk")
    assert decoded.startswith("<html><head><title>劳动力转移</title>")
    assert decoded.count("\ufffd") == 1


def test_big5_page_with_hong_kong_characters_is_read() -> None:
    page = "<title>香港特別行政區 邨</title>".encode("big5hkscs")
    assert "邨" in decode_body(page, "text/html; charset=big5")
