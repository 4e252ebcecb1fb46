"""Property-based tests of the citations file: any bytes read or refused with the documented
error, any records written in any dialect read back exactly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkwatch.errors import CitationsFileError
from linkwatch.records import (
    COLUMNS,
    Citation,
    CsvDialect,
    neutralise_cell,
    read_citations,
    read_citations_file,
    restore_cell,
    write_citations,
)

DIALECTS = st.builds(
    CsvDialect,
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
    bom=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
).filter(lambda d: d.bom or d.encoding == "utf-8")
# Any text a person types, line breaks and the separators included (a file made mostly of
# control characters is refused as binary, on purpose: see test_records_dialects.py).
CELL = st.text(
    st.characters(blacklist_categories=["Cs", "Cc"]) | st.sampled_from(["\r", "\n", "\t"]),
    max_size=30,
)
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def citations(draw: st.DrawFn) -> list[Citation]:
    ids = draw(
        st.lists(
            st.text(min_size=1, max_size=8).filter(str.strip), unique=True, min_size=1, max_size=5
        )
    )
    out = []
    for cid in ids:
        values = {c: draw(CELL) for c in COLUMNS if c != "id"}
        out.append(Citation(id=cid, **values))
    return out


def _file(data: bytes) -> Path:
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as handle:
        handle.write(data)
    return Path(handle.name)


@SETTINGS
@given(citations(), DIALECTS)
def test_records_written_in_any_dialect_read_back_exactly(
    rows: list[Citation], dialect: CsvDialect
) -> None:
    path = _file(b"")
    try:
        write_citations(path, rows, dialect)
        found = read_citations_file(path)
        assert found.citations == rows
        # The dialect is found again, except LF/CRLF when no line break is in the header.
        assert (found.dialect.delimiter, found.dialect.encoding, found.dialect.bom) == (
            dialect.delimiter,
            dialect.encoding,
            dialect.bom,
        )
        assert found.dialect.newline == dialect.newline
    finally:
        path.unlink()


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_are_read_or_refused_with_a_citations_file_error(data: bytes) -> None:
    path = _file(data)
    try:
        read_citations(path)
    except CitationsFileError:
        pass
    finally:
        path.unlink()


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    rows = draw(citations())
    dialect = draw(DIALECTS)
    path = _file(b"")
    try:
        write_citations(path, rows, dialect)
        data = bytearray(path.read_bytes())
    finally:
        path.unlink()
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        byte = draw(st.sampled_from(list(b',;\t"\r\n\x00\xff\xfe\xef\xbb\xbf\x01a')))
        how = draw(st.sampled_from(["insert", "delete", "replace"]))
        if how == "insert":
            data[at:at] = bytes([byte])
        elif how == "delete":
            del data[at : at + 1]
        else:
            data[at : at + 1] = bytes([byte])
    return bytes(data)


@SETTINGS
@given(mutated_files())
def test_mutated_files_are_read_or_refused_with_a_citations_file_error(data: bytes) -> None:
    path = _file(data)
    try:
        read_citations(path, strict=True)
    except CitationsFileError:
        pass
    finally:
        path.unlink()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_neutralising_a_cell_is_undone_exactly(value: str) -> None:
    assert restore_cell(neutralise_cell(value)) == value
    assert not neutralise_cell(value).startswith(("=", "+", "-", "@", "\t", "\r"))
