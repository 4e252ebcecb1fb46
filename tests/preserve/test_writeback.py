"""Write-back sets archive_url only where linkwatch may, and keeps everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkwatch.errors import CitationsFileError
from linkwatch.preserve.writeback import backup_path, plan_write_back, write_back
from linkwatch.records import read_citations

CSV = (
    "id,url,archive_url,notes\r\n"
    "c1,https://a.example/x,,keep me\r\n"
    'c2,https://b.example/y,https://hand.example/chosen,"quoted, note"\r\n'
    "c3,https://c.example/z,https://web.archive.org/web/2020/old,\r\n"
)


def test_plan_fills_empty_replaces_own_and_keeps_hand_edits() -> None:
    to_write, kept = plan_write_back(
        {"c1": "", "c2": "https://hand.example/chosen", "c3": "https://w/old", "c4": "same"},
        {"c1": "https://w/1", "c2": "https://w/2", "c3": "https://w/3", "c4": "same"},
        {"c3": "https://w/old"},
    )
    assert to_write == {"c1": "https://w/1", "c3": "https://w/3"}
    assert kept == {"c2": "https://hand.example/chosen"}


def test_write_back_preserves_hand_edits_other_columns_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(CSV.encode())
    result = write_back(
        path,
        {"c1": "https://w/1", "c2": "https://w/2", "c3": "https://w/3"},
        {"c3": "https://web.archive.org/web/2020/old"},
    )
    assert result.written == {"c1": "https://w/1", "c3": "https://w/3"}
    assert result.kept == {"c2": "https://hand.example/chosen"}
    text = path.read_bytes().decode()
    assert text.startswith("id,url,archive_url,notes\r\n")
    assert "c1,https://a.example/x,https://w/1,keep me\r\n" in text
    assert 'c2,https://b.example/y,https://hand.example/chosen,"quoted, note"\r\n' in text
    assert backup_path(path).read_bytes() == CSV.encode()
    assert [c.archive_url for c in read_citations(path)] == [
        "https://w/1",
        "https://hand.example/chosen",
        "https://w/3",
    ]


def test_write_back_that_changes_nothing_leaves_the_file_and_makes_no_backup(
    tmp_path: Path,
) -> None:
    path = tmp_path / "citations.csv"
    path.write_bytes(CSV.encode())
    result = write_back(path, {"c2": "https://w/2"}, {})
    assert result.written == {}
    assert result.backup is None
    assert not backup_path(path).exists()
    assert path.read_bytes() == CSV.encode()


def test_write_back_adds_the_column_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "citations.csv"
    path.write_text("id,url\nc1,https://a.example/\n")
    write_back(path, {"c1": "https://w/1"}, {})
    assert path.read_text() == "id,url,archive_url\nc1,https://a.example/,https://w/1\n"


def test_write_back_refuses_a_file_without_an_id_column(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("name,url\nx,https://a.example/\n")
    with pytest.raises(CitationsFileError, match=r"notes\.csv: not a citations file"):
        write_back(path, {"x": "https://w/1"}, {})
