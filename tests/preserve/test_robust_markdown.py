"""Robust Links for Markdown: inline, reference-style and bare URLs, read back by CommonMark."""

from __future__ import annotations

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from linkwatch.preserve.robust import Version, robustify_markdown, url_key

ORIGINAL = "https://news.example.cn/a.html"
CAPTURE = f"https://web.archive.org/web/20240301120000/{ORIGINAL}"
OTHER = "https://other.example/b.html"
VERSIONS = {url_key(ORIGINAL): Version(CAPTURE, "2024-03-01")}


def _links(markdown: str) -> list[tuple[str, str, str]]:
    """(text, href, title) of every link a CommonMark parser renders."""
    html = MarkdownIt("commonmark").render(markdown)
    soup = BeautifulSoup(html, "html.parser")
    return [(a.get_text(), str(a["href"]), str(a.get("title", ""))) for a in soup.find_all("a")]


def test_reference_definitions_get_an_archived_definition_not_a_title() -> None:
    md = (
        "The notice said so [the notice][1], as did [the same notice][].\n"
        "A shortcut: [the notice].\n"
        "Unrelated [elsewhere][2].\n"
        "\n"
        f'[1]: {ORIGINAL} "Notice"\n'
        f"[the same notice]: <{ORIGINAL}>\n"
        f"[the notice]: {ORIGINAL}\n"
        f"[2]: {OTHER}\n"
    )
    out, count = robustify_markdown(md, VERSIONS)
    assert count == 3
    assert f'[1]: {ORIGINAL} "Notice"\n[1-archived]: {CAPTURE} "archived 2024-03-01"\n' in out
    assert f"[2]: {OTHER}\n" in out and "[2-archived]" not in out
    links = _links(out)
    # Every original link still goes to the original, with its own title.
    assert ("the notice", ORIGINAL, "Notice") in links
    assert sum(1 for _, href, _ in links if href == ORIGINAL) == 3
    # Beside each, a link to the capture that CommonMark resolves.
    archived = [link for link in links if link[1] == CAPTURE]
    assert len(archived) == 3
    assert all(text == "archived 2024-03-01" for text, _, _ in archived)
    assert ("elsewhere", OTHER, "") in links
    # No reference definition was broken into text, and nothing says "archived" as a title.
    assert "]:" not in MarkdownIt("commonmark").render(out)
    again, count_again = robustify_markdown(out, VERSIONS)
    assert (again, count_again) == (out, 0)


def test_inline_autolink_and_bare_urls_render_with_their_capture_beside_them() -> None:
    md = (
        f"Inline ([notice]({ORIGINAL})).\n\n"
        f"Autolink <{ORIGINAL}>.\n\n"
        f"Bare {ORIGINAL} and [other]({OTHER}).\n"
    )
    out, count = robustify_markdown(md, VERSIONS)
    assert count == 3
    links = _links(out)
    assert ("notice", ORIGINAL, "") in links
    assert (ORIGINAL, ORIGINAL, "") in links  # the autolink
    assert [text for text, href, _ in links if href == CAPTURE] == ["archived 2024-03-01"] * 3
    assert ("other", OTHER, "") in links
    assert f"Bare {ORIGINAL} ([archived 2024-03-01]({CAPTURE})) and" in out


def test_a_capture_url_with_parentheses_stays_one_destination() -> None:
    capture = "https://archive.example/20240301/(copy)/a.html"
    versions = {url_key(ORIGINAL): Version(capture, "2024-03-01")}
    out, _ = robustify_markdown(f"See [n]({ORIGINAL}).\n", versions)
    assert ("archived 2024-03-01", capture, "") in _links(out)
