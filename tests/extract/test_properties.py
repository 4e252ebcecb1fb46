"""Property-based tests of the date parsers and each extractor (text, HTML, Markdown): random
and mutated input gives a result or the documented input error, never anything else."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from linkwatch.archives.choose import parse_target
from linkwatch.check import parse_duration
from linkwatch.errors import InputError
from linkwatch.extract import Format, parse_published
from linkwatch.extract.core import extract_text
from linkwatch.extract.dates import PartialDate, parse_date, parse_iso_datetime
from linkwatch.records import Citation

SAMPLE_TEXT = """Labour transfer in Xinjiang

Exports rose sharply (Xinhua, October 27, 2023). Quotas were raised (Tianshan, January 30).

Notes

[1] Zenz, A. (2019, March 1). Beyond the Camps. Journal of Political Risk. https://www.jpolrisk.com/beyond
[2] 新疆日报. 2020年5月4日. http://www.xjdaily.com/news/2020-05/04/c_1.htm
"""
SAMPLE_HTML = """<html><head><meta property="article:published_time" content="2024-03-01"></head>
<body><article><h1>Report</h1><p>Exports rose (<a href="http://x.cn/a?id=1&amp;p=2">Xinhua,
October 27, 2023</a>).<sup><a href="#fn1">1</a></sup></p><ol class="footnotes"><li id="fn1">
People's Daily, 2 Nov 2023, <a href="https://paper.people.com.cn/rmrb/html/2023-11/02/nw.D110000renmrb_20231102_1-01.htm">link</a></li>
</ol></article></body></html>
"""
SAMPLE_MARKDOWN = """# Report

Exports rose ([Xinhua, October 27, 2023](http://x.cn/a)).[^1] See [the plan][p].

[^1]: People's Daily, November 2, 2023, <https://paper.people.com.cn/a.htm>
[p]: http://www.gov.cn/plan.htm "The plan"
"""
SAMPLES = {Format.TEXT: SAMPLE_TEXT, Format.HTML: SAMPLE_HTML, Format.MARKDOWN: SAMPLE_MARKDOWN}
PIECES = st.sampled_from(
    [
        "(",
        ")",
        "[",
        "]",
        "<",
        ">",
        "&",
        "#",
        "\n",
        "\n\n",
        " ",
        "http://",
        "2023",
        "October",
        "27,",
        "[^1]",
        "<a href='",
        "</a>",
        "年",
        "月",
        "日",
        "\x00",
        "\ufeff",
        "*",
        "_",
        "`",
        "|",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, fmt: Format) -> str:
    text = SAMPLES[fmt]
    for _ in range(draw(st.integers(1, 10))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        piece = draw(PIECES)
        if how == "insert":
            text = text[:at] + piece + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            end = min(len(text), at + draw(st.integers(1, 80)))
            text = text[:end] + text[at:end] + text[end:]
    return text


def _extract_checked(text: str, fmt: Format) -> None:
    extraction = extract_text(text, report=f"r.{fmt.value}", fmt=fmt)
    assert all(isinstance(c, Citation) and c.id for c in extraction.citations)
    assert len({c.id for c in extraction.citations}) == len(extraction.citations)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(list(SAMPLES)), st.data())
def test_mutated_reports_extract_without_raising(fmt: Format, data: st.DataObject) -> None:
    _extract_checked(data.draw(mutated(fmt)), fmt)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([*SAMPLES, Format.AUTO]), st.text(max_size=400))
def test_random_text_extracts_without_raising(fmt: Format, text: str) -> None:
    _extract_checked(text, fmt)


DATEISH = st.text(
    st.sampled_from(list("0123456789-/., JanuaryFebMchOctNvDs年月日T:Z+")), max_size=30
)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), DATEISH))
def test_date_parsers_return_a_date_or_none(text: str) -> None:
    found = parse_date(text)
    assert found is None or isinstance(found, PartialDate)
    parse_iso_datetime(text)
    target = parse_target(text, "date")
    assert target is None or target.start <= target.end


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=20), DATEISH))
def test_date_options_raise_only_the_input_error(text: str) -> None:
    for parse in (parse_published, lambda t: parse_duration(t, "--max-age")):
        try:
            parse(text)
        except InputError as exc:
            assert str(exc)
