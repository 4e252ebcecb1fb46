"""results.csv: one row per citation, formulas neutralised, same words as the other formats."""

from __future__ import annotations

import csv
import io

from linkwatch.report.csvdoc import CSV_COLUMNS, neutralise, render_csv

from .samples import FORMULA_SOURCE, HOSTILE_TITLE, QUOTED_URL, every_verdict_run


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(every_verdict_run()), newline="")))


def test_one_row_per_citation_with_the_documented_columns() -> None:
    text = render_csv(every_verdict_run())
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    assert [r["id"] for r in rows] == [f"c{i}" for i in range(1, 9)]
    assert rows[0]["verdict"] == "lost"


def test_formula_cells_get_a_quote_prefix() -> None:
    rows = {r["id"]: r for r in _rows()}
    assert rows["c5"]["source"] == "'" + FORMULA_SOURCE
    assert rows["c7"]["source"] == "'-1 sources say"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_every_formula_start_is_neutralised_and_plain_text_is_left_alone() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("Xinhua") == "Xinhua"
    assert neutralise("") == ""


def test_quotes_and_markup_survive_the_round_trip() -> None:
    rows = {r["id"]: r for r in _rows()}
    assert rows["c3"]["url"] == QUOTED_URL
    assert rows["c2"]["title"] == HOSTILE_TITLE
    assert rows["c2"]["capture_timestamp"] == "20231027120000"
