"""The seed report (China Brief 24(5)), read from ../shared/seed beside the repository."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from linkwatch.cli import app
from linkwatch.errors import ExitCode
from linkwatch.extract import Extraction, extract_file

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "china-brief-v24-i5-xinjiang-labor-transfers.txt"

pytestmark = pytest.mark.skipif(
    not SEED.is_file(),
    reason=f"the seed report is not at {SEED} (CI lays shared/ beside the clone)",
)


@pytest.fixture(scope="module")
def seed() -> Extraction:
    return extract_file(SEED)


def test_seed_yields_58_author_date_citations_in_the_body(seed: Extraction) -> None:
    inline = [c for c in seed.citations if c.kind == "inline"]
    assert len(inline) == 58
    assert all(c.source and c.date for c in inline)


def test_seed_yields_8_urls_in_its_notes(seed: Extraction) -> None:
    urls = [c.url for c in seed.citations if c.kind == "note" and c.url]
    assert len(urls) == 8
    assert "https://www.hrw.org/sites/default/files/media_2024/01/china0224web_1.pdf" in urls
    assert "https://papers.ssrn.com/sol3/papers.cfm?abstract_id=4439694" in urls
    assert not any(u.endswith((".", ";", ")")) for u in urls)


def test_seed_photo_credit_is_a_caption(seed: Extraction) -> None:
    captions = [c for c in seed.citations if c.kind == "caption"]
    assert [(c.source, c.date) for c in captions] == [("Xinjiang Government", "")]


def test_seed_several_citations_in_one_parenthesis(seed: Extraction) -> None:
    pairs = [(c.source, c.date) for c in seed.citations]
    i = pairs.index(("Newlines Institute", "2020-12-14"))
    assert pairs[i + 1] == ("CPCS", "2023-05-19")
    assert ("China Brief", "2022") in pairs


def test_seed_yearless_january_dates_belong_to_2024(seed: Extraction) -> None:
    yearless = [c for c in seed.citations if "year-inferred" in c.flag_set]
    assert len(yearless) == 8
    assert {c.date[:7] for c in yearless} == {"2024-01"}
    assert ("Tianshan", "2024-01-30") in [(c.source, c.date) for c in yearless]
    assert seed.published.startswith("2024-")
    assert seed.published_from.startswith("inferred")


def test_seed_glosses_periods_and_acronyms_are_not_citations(seed: Extraction) -> None:
    sources = " | ".join(c.source for c in seed.citations)
    for text in (
        "2021 to 2025",
        "until",
        "2016 to 2020",
        "2023-2025",
        "转移就业",
        "人次",
        "VSETC",
        "XPCC",
        "Hotan Prefecture",
    ):
        assert text not in sources, text


def test_seed_source_names_kept_as_written(seed: Extraction) -> None:
    sources = Counter(c.source for c in seed.citations)
    assert sources["People’s Daily"] == 2  # with its typographic apostrophe
    assert sources["Central Asian Survey"] == 8  # seven in the body, one APA note


def test_seed_apa_notes_record_outlet_author_title_and_doi(seed: Extraction) -> None:
    notes = {c.url: c for c in seed.citations if c.kind == "note" and c.url}
    post = notes["https://www.washingtonpost.com/business/interactive/2023"]
    assert (post.source, post.author, post.date) == (
        "The Washington Post",
        "Halper, E.",
        "2023-09-18",
    )
    assert post.title == "EV Makers’ Use of Chinese Suppliers Raises Concerns about Forced Labor"
    cpcs = notes["https://doi.org/10.1525/cpcs.2023.1822939"]
    assert (cpcs.source, cpcs.doi, cpcs.date) == (
        "Communist and Post-Communist Studies",
        "10.1525/cpcs.2023.1822939",
        "2023",
    )
    free = notes["https://papers.ssrn.com/sol3/papers.cfm?abstract_id=4439694"]
    assert "alternate" in free.flag_set
    hrw = notes["https://www.hrw.org/sites/default/files/media_2024/01/china0224web_1.pdf"]
    assert (hrw.source, hrw.date) == ("Human Rights Watch", "2024-02")


def test_seed_truncated_wayback_url_kept_and_flagged(seed: Extraction) -> None:
    nyt = next(c for c in seed.citations if c.source == "The New York Times")
    assert nyt.url == "https://web.archive.org/web/20230424180048/"
    assert {"truncated", "web-archive"} <= nyt.flag_set
    assert nyt.archived_at == "2023-04-24T18:00:48Z"
    assert nyt.original_url == ""


def test_seed_running_text_citations_inside_notes(seed: Extraction) -> None:
    pairs = [(c.kind, c.source, c.date) for c in seed.citations]
    assert ("note", "People’s Daily", "2023-08-11") in pairs
    assert ("note", "PRC government", "2018-12-26") in pairs


def test_seed_context_is_a_short_excerpt_and_location_names_the_section(seed: Extraction) -> None:
    for c in seed.citations:
        assert 0 < len(c.context) <= 200, c.id
    xinhua = next(c for c in seed.citations if c.source == "Xinhua")
    assert "3.05 million person-times" in xinhua.context
    assert "Kashgar Prefecture alone" not in xinhua.context
    assert xinhua.location == "General Labor Transfer Evidence ¶1"
    assert next(c for c in seed.citations if c.kind == "note").location == "Notes [1]"


def test_bundled_citations_csv_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "citations.csv"
    result = CliRunner().invoke(app, ["extract", str(SEED), "-o", str(out)])
    assert result.exit_code == ExitCode.OK, result.output
    assert out.read_bytes() == (ROOT / "citations.csv").read_bytes()
