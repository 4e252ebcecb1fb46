"""Reference lists in each citation style: one record per reference, dates, access dates,
DOIs and sources where each style puts them (fixtures written from the styles' rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwatch.extract import extract_file

STYLES = Path(__file__).resolve().parents[1] / "fixtures" / "styles"

WATER_POLICY_DOI = "10.2166/wp.2021.123"
WIRED = "https://www.wired.example.com/2011/03/water-power-osh/"

# file -> one row per reference: (source, date, accessed, doi, url)
EXPECTED: dict[str, list[tuple[str, str, str, str, str]]] = {
    "apa.txt": [
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
        (
            "Asian Development Bank",
            "2020-06-15",
            "",
            "",
            "https://www.adb.example.org/outlook-2020",
        ),
        (
            "Journal of Eurasian Studies",
            "2019",
            "",
            "10.1177/1879366519850712",
            "https://doi.org/10.1177/1879366519850712",
        ),
        (
            "World Health Organization",
            "",
            "2014-10-12",
            "",
            "https://www.who.example.int/fact-sheets/drinking-water",
        ),
        (
            "Journal of Hydrology",
            "2018",
            "",
            "10.1016/j.jhydrol.2018.01.001",
            "https://doi.org/10.1016/j.jhydrol.2018.01.001",
        ),
    ],
    "chicago-notes.txt": [
        ("Wired", "2011-03-07", "", "", WIRED),
        ("Tian Shan Press", "2019", "", "", "https://tianshan.example.org/books/canal-politics"),
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
    ],
    "chicago-bibliography.txt": [
        ("Wired", "2011-03-07", "", "", WIRED),
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
    ],
    "chicago-author-date.txt": [
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
        (
            "Reuters",
            "2024-09-03",
            "",
            "",
            "https://www.reuters.example.com/world/drought-deepens-ferghana/",
        ),
    ],
    "harvard.txt": [
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
        ("Wired", "2011-03-07", "2016-02-05", "", WIRED),
        ("UNDP", "2003", "2016-02-05", "", "https://undp.example.org/water-gov"),
    ],
    "mla.txt": [
        ("Wired", "2011-03-07", "2016-02-05", "", "www.wired.example.com/2011/03/water-power-osh/"),
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
        ("Tian Shan Press", "2019", "", "", ""),
    ],
    "vancouver.txt": [
        ("Water Policy", "2021", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
        ("WHO", "2019", "2020-03-14", "", "https://www.who.example.int/drinking-water"),
        ("Hydrol Lett", "2020-03-03", "", "", "https://hl.example.org/silt"),
    ],
    "ieee.txt": [
        ("Water Policy", "2021-04", "", WATER_POLICY_DOI, f"https://doi.org/{WATER_POLICY_DOI}"),
        ("Asian Development Bank", "2020-06", "", "", "https://www.adb.example.org/outlook-2020"),
        ("Wired", "", "2016-02-05", "", WIRED),
        ("Tian Shan Press", "2019", "", "", ""),
    ],
    "nature.txt": [
        ("Water Policy", "2021", "", "", ""),
        (
            "J. Hydrol",
            "2020",
            "",
            "10.1016/j.jhydrol.2020.125140",
            "https://doi.org/10.1016/j.jhydrol.2020.125140",
        ),
    ],
    "doi-forms.txt": [
        (
            "ACM Computing Surveys",
            "2009",
            "",
            "10.1145/1234567.1234568",
            "https://doi.org/10.1145/1234567.1234568",
        ),
        ("Hydrology Letters", "2004", "", "10.1000/xyz123", "http://dx.doi.org/10.1000/xyz123"),
        (
            "Journal of the American Society for Information Science",
            "1998",
            "",
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
            "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
        ),
        ("Energy Policy", "2010", "", "10.1000/abc.123", "https://doi.org/10.1000/abc.123"),
        ("Evans, P", "2012", "", "", "https://wua.example.org/report-2012"),
        ("Farid, S", "2013", "", "", "https://tariffs.example.org/2013"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_reference_of_the_style_is_one_record_with_its_details(name: str) -> None:
    extraction = extract_file(STYLES / name)
    got = [(c.source, c.date, c.accessed, c.doi, c.url) for c in extraction.citations]
    assert got == EXPECTED[name]
    assert all(c.kind == "note" for c in extraction.citations)


def test_a_year_written_in_the_reference_beats_the_year_the_report_implies() -> None:
    # Harvard writes the day in the container without a year ("Wired, 7 March"): the year
    # comes from the reference's own "(2011)", never from the report's publication date.
    extraction = extract_file(STYLES / "harvard.txt")
    wired = extraction.citations[1]
    assert wired.date == "2011-03-07" and "year-inferred" not in wired.flag_set


def test_a_reference_carrying_only_a_doi_is_never_dropped(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(
        "Report\n\nNotes\n\n"
        "1. As argued at length elsewhere (Smith 2019), quotas rose. doi:10.1000/only.doi.1\n",
        encoding="utf-8",
    )
    citations = extract_file(report).citations
    assert [(c.source, c.date, c.doi) for c in citations] == [
        ("Smith", "2019", ""),
        ("", "", "10.1000/only.doi.1"),
    ]
    assert citations[1].url == "https://doi.org/10.1000/only.doi.1"
