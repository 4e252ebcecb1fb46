"""Property-based tests of the URL judge: any string is judged, nothing is raised."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from linkwatch.live.options import LiveOptions
from linkwatch.live.run import host_of
from linkwatch.live.urls import normalise_url, origin, parse_web_url, path_shape

SEEDS = [
    "http://www.gov.cn/zhengce/content/2019-03/01/content_5369.htm",
    "https://example.org:8443/a/b/../c?x=1&y=%E4%B8%AD#frag",
    "http://[2001:db8::1]:8080/path",
    "http://127.0.0.1:99999/news/",
    "https://user:pass@xn--fiqs8s.cn/报告 2019.html",
    "http://2001::1",
]
# Characters that make URLs interesting: delimiters, percent signs, brackets, controls, non-ASCII.
NASTY = st.sampled_from(
    list(":/?#[]@!$&'()*+,;=%\\ \t\n\r\x00\x01\x7f.-_~中ß\u200b\ufffdé0123456789xX")
)


@st.composite
def mutated_urls(draw: st.DrawFn) -> str:
    """A real-looking URL with characters inserted, deleted or replaced at random places."""
    url = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(url)))
        how = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(NASTY)
        if how == "insert":
            url = url[:at] + char + url[at:]
        elif how == "delete":
            url = url[:at] + url[at + 1 :]
        else:
            url = url[:at] + char + url[at + 1 :]
    return url


def _judged_consistently(text: str) -> None:
    judged = parse_web_url(text)
    if judged.problem:
        assert judged.url == text.strip("".join(chr(c) for c in range(0x21)))
        return
    assert judged.url.startswith(("http://", "https://"))
    assert "#" not in judged.url
    assert not any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in judged.url)
    again = parse_web_url(judged.url)
    assert again.problem == "" and again.url == judged.url
    assert normalise_url(judged.url) == judged.url
    # What the live stage does with an accepted URL before fetching it never raises either.
    assert origin(judged.url).startswith(("http://", "https://"))
    assert host_of(judged.url, LiveOptions())
    assert path_shape(judged.url).startswith("/")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_is_judged_without_raising(text: str) -> None:
    _judged_consistently(text)


@settings(max_examples=200, deadline=None)
@given(mutated_urls())
def test_mutated_urls_are_judged_without_raising(text: str) -> None:
    _judged_consistently(text)


@settings(max_examples=100, deadline=None)
@given(
    st.from_regex(
        r"https?://[a-z0-9.\-]{1,20}(:[0-9]{1,6})?(/[a-z0-9%._~\-]{0,10}){0,3}", fullmatch=True
    )
)
def test_port_problems_are_named(text: str) -> None:
    judged = parse_web_url(text)
    port = text.split("://", 1)[1].split("/", 1)[0].rpartition(":")[2]
    if ":" in text.split("://", 1)[1].split("/", 1)[0] and port.isdigit() and int(port) > 65535:
        assert judged.problem == f"port {int(port)} is out of range"
