"""Main text as a browser parses the page; tokens and SimHash pinned to their definitions."""

from __future__ import annotations

import hashlib
import os
import random
import re
import resource

import pytest

from linkwatch.compare import extract_main_text, shingles, simhash, text_simhash, tokens
from linkwatch.compare.similarity import tokens_simhash
from linkwatch.compare.text import normalise


def test_chrome_nested_inside_dropped_elements_is_removed_once() -> None:
    page = extract_main_text(
        "<html><body><nav><div class='menu'><ul class='nav'><li>Home</li></ul></div></nav>"
        "<footer><div id='wm-ipp'>toolbar</div></footer><p>Kept text</p></body></html>"
    )
    assert page.text == "Kept text"


def test_banner_class_is_recognised_despite_extra_whitespace() -> None:
    page = extract_main_text(
        '<html><body><div class="  wb_banner  archived">Archived page</div><p>Own words</p>'
    )
    assert page.text == "Own words"


def test_text_after_the_closing_body_tag_belongs_to_the_body() -> None:
    page = extract_main_text(
        "<html><head><title>T</title></head><body><p>First</p></body><p>Updated 2004</p></html>"
    )
    assert page.title == "T"
    assert page.text == "First Updated 2004"


def test_headings_come_in_document_order_from_the_main_element() -> None:
    page = extract_main_text(
        "<body><h1>Outside</h1><main><h2>Second level</h2><h1>First level</h1><h2> </h2>"
        "<p>Body</p></main></body>"
    )
    assert page.headings == ("Second level", "First level")


def test_page_without_markup_around_it_still_has_text_and_no_title_in_it() -> None:
    page = extract_main_text("<title>Only a title</title>Loose words")
    assert page.title == "Only a title"
    assert page.text == "Loose words"


def test_tokens_keep_letters_and_digits_of_every_script_and_split_on_the_rest() -> None:
    text = "snake_case x²³ ½ ٣٤ カタカナー・テスト 한국어 Straße ﬁne"
    assert tokens(text) == [
        *("snake", "case", "x23", "1", "2", "٣٤"),
        *("カ", "タ", "カ", "ナ", "ー", "・", "テ", "ス", "ト", "한", "국", "어"),
        *("strasse", "fine"),
    ]


def _reference_simhash(features: set[str]) -> int:
    weights = [0] * 64
    for feature in features:
        h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if (h >> bit) & 1 else -1
    return sum(1 << bit for bit in range(64) if weights[bit] > 0) if features else 0


def test_simhash_equals_charikars_bit_by_bit_definition() -> None:
    rng = random.Random(4)
    words = [f"w{n}" for n in range(300)]
    for size in (0, 1, 2, 7, 64, 254, 255, 256, 501, 510, 511, 3000):
        features = {" ".join(rng.choices(words, k=3)) for _ in range(size)}
        assert simhash(features) == _reference_simhash(features)


def test_simhash_of_tokens_matches_simhash_of_text() -> None:
    text = "The region transferred 3.05 million people in 2019, the notice says."
    assert tokens_simhash(tokens(text)) == text_simhash(text)
    assert text_simhash(text) == f"{_reference_simhash(set(shingles(tokens(text)))):016x}"


def _glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not _glibc(), reason="the heap limits are glibc's")
def test_parsing_page_after_page_reuses_the_heap_instead_of_faulting_new_pages_in() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>A page</title></head><body><main><h1>A page</h1>"
        + "<p>Some words of text about the page.</p>" * 20
        + "</main></body></html>"
    )
    for _ in range(3):
        extract_main_text(page)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(200):
        assert extract_main_text(page).title == "A page"
    # Each parse used to map some 0.6 MB afresh: a dozen page faults or more per page.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before < 200


def test_whitespace_collapses_as_the_unicode_whitespace_class_of_regular_expressions() -> None:
    spaces = "".join(chr(c) for c in range(0x110000) if re.fullmatch(r"\s", chr(c)))
    rng = random.Random(7)
    alphabet = [*spaces, "a", "中", "\u200b", "\ufeff", "·"]
    for _ in range(5000):
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 12)))
        expected = re.sub(r"\s+", " ", text).strip()
        assert normalise(text) == normalise(expected)
        assert extract_main_text(f"<p>{text}</p>").text == " ".join(expected.split())
    assert normalise(f"A{spaces}b") == "a b"


def test_first_title_and_first_main_element_are_read_and_template_contents_are_not() -> None:
    page = extract_main_text(
        "<html><head><title>Head title</title></head><body><svg><title>Icon</title></svg>"
        "<main><h1>H</h1><p>x</p></main><main>second</main></body></html>"
    )
    assert (page.title, page.text, page.headings) == ("Head title", "H x", ("H",))
    page = extract_main_text("<body><article>A</article><template><main>T</main></template>")
    assert (page.title, page.text) == ("", "A")
