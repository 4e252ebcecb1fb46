"""Word reports: WordprocessingML written by hand, one feature at a time, read back."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode, ReportError
from linkwatch.extract import Format, extract_file
from linkwatch.extract.formats import detect_binary

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK_TYPE = f"{R}/hyperlink"


def _p(*runs: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}{''.join(runs)}</w:p>"


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def make_docx(
    body: str,
    *,
    links: dict[str, str] | None = None,
    footnotes: str = "",
    endnotes: str = "",
    comments: str = "",
) -> bytes:
    """A minimal .docx package: the body's paragraphs, hyperlink targets by r:id, notes."""
    out = io.BytesIO()
    ns = f'xmlns:w="{W}" xmlns:r="{R}"'
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            HEAD + f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" '
            f'Type="{R}/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        rels = "".join(
            f'<Relationship Id="{rid}" Type="{HYPERLINK_TYPE}" Target="{url}" '
            'TargetMode="External"/>'
            for rid, url in (links or {}).items()
        )
        z.writestr(
            "word/_rels/document.xml.rels",
            HEAD + f'<Relationships xmlns="{RELS_NS}">{rels}</Relationships>',
        )
        z.writestr(
            "word/styles.xml",
            HEAD + f'<w:styles {ns}><w:style w:type="paragraph" w:styleId="Heading2">'
            '<w:name w:val="heading 2"/></w:style></w:styles>',
        )
        z.writestr(
            "word/document.xml", HEAD + f"<w:document {ns}><w:body>{body}</w:body></w:document>"
        )
        if footnotes:
            z.writestr("word/footnotes.xml", HEAD + f"<w:footnotes {ns}>{footnotes}</w:footnotes>")
        if endnotes:
            z.writestr("word/endnotes.xml", HEAD + f"<w:endnotes {ns}>{endnotes}</w:endnotes>")
        if comments:
            z.writestr("word/comments.xml", HEAD + f"<w:comments {ns}>{comments}</w:comments>")
    return out.getvalue()


def _extract(tmp_path: Path, data: bytes, name: str = "draft.docx") -> list[tuple[str, ...]]:
    path = tmp_path / name
    path.write_bytes(data)
    extraction = extract_file(path)
    assert extraction.format is Format.DOCX
    return [(c.kind, c.source, c.date, c.url, c.title, c.location) for c in extraction.citations]


def test_relationship_hyperlinks_keep_their_visible_text_as_title(tmp_path: Path) -> None:
    body = _p(
        _r("The canal report is on "),
        '<w:hyperlink r:id="rId7">' + _r("the council’s site") + "</w:hyperlink>",
        _r(" for all to read."),
    )
    rows = _extract(tmp_path, make_docx(body, links={"rId7": "https://water.example.org/canal"}))
    assert rows == [
        ("inline", "", "", "https://water.example.org/canal", "the council’s site", "¶1")
    ]


def test_simple_and_complex_hyperlink_fields_give_their_urls(tmp_path: Path) -> None:
    simple = (
        '<w:fldSimple w:instr=" HYPERLINK &quot;https://a.example.org/simple&quot; ">'
        + _r("simple field")
        + "</w:fldSimple>"
    )
    complex_ = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://b.example.org/</w:instrText></w:r>'
        '<w:r><w:instrText>complex/path" \\o "tip"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + _r("complex")
        + _r(" field")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = _p(_r("See the "), simple, _r(" and the "), complex_, _r("."))
    rows = _extract(tmp_path, make_docx(body))
    assert [(r[3], r[4]) for r in rows] == [
        ("https://a.example.org/simple", "simple field"),
        ("https://b.example.org/complex/path", "complex field"),
    ]


def test_tracked_insertions_count_and_deletions_and_comments_do_not(tmp_path: Path) -> None:
    body = _p(
        _r("Quotas fell by a fifth "),
        "<w:ins w:id='1' w:author='Ed'>"
        + _r("(Ministry of Water Resources, October 27, 2023)")
        + "</w:ins>",
        "<w:del w:id='2' w:author='Ed'><w:r>"
        "<w:delText>(Old Source, May 1, 2001)</w:delText></w:r></w:del>",
        '<w:commentRangeStart w:id="0"/>',
        _r(" and rose again."),
        '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>',
    )
    comments = (
        '<w:comment w:id="0" w:author="Ed"><w:p><w:r><w:t>check https://comment.example.org/x '
        "(Comment Source, June 2, 2020)</w:t></w:r></w:p></w:comment>"
    )
    rows = _extract(tmp_path, make_docx(body, comments=comments))
    assert [(r[1], r[2]) for r in rows] == [("Ministry of Water Resources", "2023-10-27")]


def test_footnotes_and_endnotes_are_notes_numbered_as_the_body_refers_to_them(
    tmp_path: Path,
) -> None:
    body = (
        _p("<w:r><w:t>Published: March 4, 2025</w:t></w:r>")
        + _p(
            _r("Canals ran dry."),
            '<w:r><w:footnoteReference w:id="7"/></w:r>',
            _r(" Prices rose."),
            '<w:r><w:footnoteReference w:id="3"/></w:r>',
            _r(" Wheat failed."),
            '<w:r><w:endnoteReference w:id="2"/></w:r>',
        )
        + "<w:tbl><w:tr><w:tc>"
        + _p(_r("Source"))
        + "</w:tc><w:tc>"
        + _p(_r("(Hydromet Service, April 2, 2024)"))
        + "</w:tc></w:tr></w:tbl>"
    )
    sep = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    )
    footnotes = (
        sep
        + '<w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r>'
        + _r(" FAO, “Wheat prices,” May 2024, ")
        + '<w:hyperlink r:id="rId2">'
        + _r("https://fao.example.org/wheat")
        + "</w:hyperlink>"
        + "</w:p></w:footnote>"
        + '<w:footnote w:id="7"><w:p><w:r><w:footnoteRef/></w:r>'
        + _r(" Reuters, “Drought deepens,” September 3, 2024, https://reuters.example.com/d.")
        + "</w:p></w:footnote>"
    )
    endnotes = (
        '<w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r>'
        + _r(" Smith, J. (2021). Irrigation. Water Policy, 23(4), 1–9. doi:10.2166/wp.2021.123")
        + "</w:p></w:endnote>"
    )
    data = make_docx(body, footnotes=footnotes, endnotes=endnotes)
    # The footnotes part has its own relationships.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr(
            "word/_rels/footnotes.xml.rels",
            HEAD + f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId2" '
            f'Type="{HYPERLINK_TYPE}" Target="https://fao.example.org/wheat" '
            'TargetMode="External"/>'
            "</Relationships>",
        )
    rows = _extract(tmp_path, out.getvalue())
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows] == [
        ("inline", "Hydromet Service", "2024-04-02", "", "¶4"),
        ("note", "Reuters", "2024-09-03", "https://reuters.example.com/d", "Footnotes [1]"),
        ("note", "FAO", "2024-05", "https://fao.example.org/wheat", "Footnotes [2]"),
        ("note", "Water Policy", "2021", "https://doi.org/10.2166/wp.2021.123", "Endnotes [1]"),
    ]


def test_share_buttons_and_author_profiles_are_not_citations(tmp_path: Path) -> None:
    body = _p(
        '<w:hyperlink r:id="rId1">' + _r("Dilnoza Karimova") + "</w:hyperlink>",
        _r(" writes on water. "),
        '<w:hyperlink r:id="rId2">' + _r("Share on X") + "</w:hyperlink>",
        _r(" "),
        '<w:hyperlink r:id="rId3">' + _r("Email the author") + "</w:hyperlink>",
        _r(" "),
        '<w:hyperlink r:id="rId4">' + _r("the basin review") + "</w:hyperlink>",
    )
    links = {
        "rId1": "https://www.linkedin.com/in/dkarimova",
        "rId2": "https://twitter.com/intent/tweet?url=https%3A%2F%2Fexample.org",
        "rId3": "mailto:dk@example.org",
        "rId4": "https://worldbank.example.org/basin-review",
    }
    rows = _extract(tmp_path, make_docx(body, links=links))
    assert [r[3] for r in rows] == ["https://worldbank.example.org/basin-review"]


def test_format_is_told_from_content_whatever_the_name(tmp_path: Path) -> None:
    data = make_docx(_p(_r("Quotas fell (FAO, May 2024).")))
    assert detect_binary(data, "report.txt") is Format.DOCX
    rows = _extract(tmp_path, data, name="report.bin")
    assert [r[1] for r in rows] == ["FAO"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted Word file or an old .doc"),
        (b"PK\x03\x04" + b"\x00" * 40, "damaged Word file"),
    ],
)
def test_an_encrypted_or_damaged_word_file_exits_2_naming_it_and_writes_nothing(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    path = tmp_path / "draft.docx"
    path.write_bytes(data)
    with pytest.raises(ReportError, match=problem):
        extract_file(path)
    out = tmp_path / "citations.csv"
    result = CliRunner().invoke(app, ["extract", str(path), "-o", str(out)])
    assert result.exit_code == ExitCode.USAGE
    assert str(path) in result.output and problem in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_strict_open_xml_is_read_like_transitional(tmp_path: Path) -> None:
    body = _p(
        _r("Quotas fell ("),
        '<w:hyperlink r:id="rId1">' + _r("FAO, May 2024") + "</w:hyperlink>",
        _r(")."),
    )
    data = make_docx(body, links={"rId1": "https://fao.example.org/quotas"})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(
                item,
                src.read(item)
                .replace(W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
                .replace(
                    f"{R}/officeDocument".encode(),
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
                )
                .replace(
                    f'xmlns:r="{R}"'.encode(),
                    b'xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"',
                ),
            )
    rows = _extract(tmp_path, out.getvalue())
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("FAO", "2024-05", "https://fao.example.org/quotas")
    ]
