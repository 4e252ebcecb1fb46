"""Local copies: WARC records written with warcio, indexed as CDXJ, replayed by a real pywb."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import httpx
from warcio.archiveiterator import ArchiveIterator

from linkwatch.client import ClientConfig, make_client
from linkwatch.preserve.model import PreserveStatus
from linkwatch.preserve.warc import WarcArchiver, WarcOptions
from tests.preserve.pywb_replay import serve_warc_folder
from tests.web import LocalWeb


def _archive(web_urls: list[str], folder: Path, *, wacz: bool = False, allow_private: bool = True):
    async def go():  # type: ignore[no-untyped-def]
        client = make_client(ClientConfig(allow_private=allow_private))
        archiver = WarcArchiver(WarcOptions(folder, wacz=wacz), client=client)
        try:
            results = [await archiver.save(u) for u in web_urls]
        finally:
            await client.aclose()
        return results, archiver.finish()

    return asyncio.run(go())


def test_warc_has_request_and_response_records_with_dates_and_digests(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    url = local_web.url("redirect-301")
    results, files = _archive([url], tmp_path / "warc")
    (result,) = results
    assert result.status is PreserveStatus.SAVED
    assert "redirected to" in result.reason
    warc_path = Path(result.capture_url)
    assert warc_path in files
    with warc_path.open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers)
            for r in ArchiveIterator(fh)
        ]
    types = [t for t, _, _ in records]
    # warcio writes each pair response first, then its request.
    assert types == ["warcinfo", "response", "request", "response", "request"]
    responses = [(uri, h) for t, uri, h in records if t == "response"]
    assert responses[0][0] == url
    assert responses[1][0] != url  # the redirect target is kept too
    for _, headers in responses:
        assert headers.get_header("WARC-Date").endswith("Z")
        assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
        assert headers.get_header("WARC-Block-Digest").startswith("sha1:")
    requests = [h for t, _, h in records if t == "request"]
    for req in requests:
        assert req.get_header("WARC-Concurrent-To")
    index = (tmp_path / "warc" / "index.cdxj").read_text().splitlines()
    assert len(index) == 2
    fields = json.loads(index[0].split(" ", 2)[2])
    assert fields["filename"] == warc_path.name


def test_warc_copy_replays_through_pywb(local_web: LocalWeb, tmp_path: Path) -> None:
    url = local_web.url("gbk-meta-charset")
    live = httpx.get(url).content
    results, _ = _archive([url, local_web.url("ok-html")], tmp_path / "warc")
    assert all(r.status is PreserveStatus.SAVED for r in results)
    ts = results[0].timestamp
    with serve_warc_folder(tmp_path / "warc", tmp_path / "pywb") as root:
        raw = httpx.get(f"{root}{ts}id_/{url}", timeout=10)
        assert raw.status_code == 200
        assert raw.content == live
        gate = httpx.get(f"{root}{url}", timeout=10, follow_redirects=False)
        assert gate.status_code in (200, 302)
        assert "memento" in gate.headers.get("link", "")


def test_wacz_packages_warcs_index_and_pages(local_web: LocalWeb, tmp_path: Path) -> None:
    results, files = _archive([local_web.url("ok-html")], tmp_path / "warc", wacz=True)
    wacz = next(f for f in files if f.suffix == ".wacz")
    with zipfile.ZipFile(wacz) as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
        pages = zf.read("pages/pages.jsonl").decode().splitlines()
        assert all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
    assert {"indexes/index.cdxj", "pages/pages.jsonl", "datapackage.json"} <= names
    assert any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
    assert {r["path"] for r in package["resources"]} >= {"indexes/index.cdxj", "pages/pages.jsonl"}
    assert json.loads(pages[1])["url"] == results[0].url


def test_private_address_is_not_fetched_without_permission(
    local_web: LocalWeb, tmp_path: Path
) -> None:
    local_web.clear_requests()
    results, files = _archive([local_web.url("ok-html")], tmp_path / "warc", allow_private=False)
    assert results[0].status is PreserveStatus.SKIPPED
    assert "non-public address" in results[0].reason
    assert files == []
    assert local_web.requests() == []
