"""The Internet Archive double follows the public availability, SPN2 and CDX documentation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.web import IAServer, LocalArchive, LocalWeb
from tests.web.ia_api import CDX_FIELDS


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0, trust_env=False) as c:
        yield c


def _auth(ia_api: IAServer) -> dict[str, str]:
    access, secret = ia_api.keys
    return {"Authorization": f"LOW {access}:{secret}", "Accept": "application/json"}


def _poll(client: httpx.Client, ia_api: IAServer, job_id: str, limit: int = 10) -> list[Any]:
    answers = []
    for _ in range(limit):
        answer = client.get(ia_api.status_url(job_id)).json()
        answers.append(answer)
        if answer["status"] != "pending":
            break
    return answers


def test_availability_returns_the_closest_snapshot(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    reply = client.get(ia_api.available_url, params={"url": page.url, "timestamp": "20210312"})
    assert reply.status_code == 200
    closest = reply.json()["archived_snapshots"]["closest"]
    assert closest == {
        "status": "200",
        "available": True,
        "url": f"{ia_api.web_root}20210310093000/{page.url}",
        "timestamp": "20210310093000",
    }


def test_availability_of_a_never_archived_page_is_empty(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["never"]
    reply = client.get(ia_api.available_url, params={"url": page.url})
    assert reply.json() == {"url": page.url, "archived_snapshots": {}}


def test_availability_honours_closest_and_status_code(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    params = {"url": page.url, "timestamp": "20210312", "closest": "after"}
    closest = client.get(ia_api.available_url, params=params).json()["archived_snapshots"]
    assert closest["closest"]["timestamp"] == "20210318141500"
    error = local_archive.pages["error-only"]
    params = {"url": error.url, "status_code": "200"}
    assert client.get(ia_api.available_url, params=params).json()["archived_snapshots"] == {}


def test_bulk_availability_answers_results_by_tag(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    names = ["good-near", "never", "late-only"]
    body = "\n".join(f"url={local_archive.pages[n].url}&timestamp=20210315&tag={n}" for n in names)
    reply = client.post(
        ia_api.available_url,
        content=body,
        headers={
            "Wayback-Api-Version": "2",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert reply.status_code == 200
    results = {r["tag"]: r for r in reply.json()["results"]}
    assert set(results) == set(names)
    assert results["never"]["archived_snapshots"] == {}
    assert results["late-only"]["archived_snapshots"]["closest"]["timestamp"] == "20240115080000"
    assert results["good-near"]["url"] == local_archive.pages["good-near"].url


def test_cdx_answers_ia_json_with_header_row(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    table = client.get(ia_api.cdx_url, params={"url": page.url, "output": "json"}).json()
    assert table[0] == list(CDX_FIELDS)
    assert [row[1] for row in table[1:]] == [ts for ts, _ in page.captures]
    assert all(row[2] == page.url and row[4] == "200" for row in table[1:])


def test_cdx_filters_limits_and_plain_text(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    error = local_archive.pages["error-only"]
    ok_only = {"url": error.url, "output": "json", "filter": "statuscode:200"}
    assert client.get(ia_api.cdx_url, params=ok_only).json() == []
    not_ok = {"url": error.url, "output": "json", "filter": "!statuscode:200"}
    assert client.get(ia_api.cdx_url, params=not_ok).json()[1][4] == "404"
    page = local_archive.pages["good-near"]
    last = {"url": page.url, "output": "json", "limit": "-1", "fl": "timestamp,statuscode"}
    assert client.get(ia_api.cdx_url, params=last).json() == [
        ["timestamp", "statuscode"],
        ["20230705120000", "200"],
    ]
    text = client.get(ia_api.cdx_url, params={"url": page.url}).text
    assert len(text.splitlines()) == len(page.captures)
    assert text.splitlines()[0].split(" ")[1] == "20210310093000"


def test_cdx_collapses_by_urlkey_and_pages_with_resumption_keys(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    stamps = ("20220301080000", "20220301090000", "20220302080000")
    local_archive.add_dated_records(
        (f"http://resume.example.org/a/{n}.html", ts, b"<html>page</html>")
        for n in range(5)
        for ts in stamps
    )
    base = {"url": "resume.example.org", "matchType": "domain", "output": "json"}
    every = client.get(ia_api.cdx_url, params=base).json()
    assert len(every) == 1 + 15
    collapsed = client.get(ia_api.cdx_url, params={**base, "collapse": "urlkey"}).json()
    assert [row[2] for row in collapsed[1:]] == [
        f"http://resume.example.org/a/{n}.html" for n in range(5)
    ]
    by_day = client.get(ia_api.cdx_url, params={**base, "collapse": "timestamp:8"}).json()
    assert len(by_day) == 1 + 10  # two days per page, adjacent rows of one day folded
    seen: list[str] = []
    params: dict[str, str] = {**base, "collapse": "urlkey", "limit": "2", "showResumeKey": "true"}
    for _ in range(5):
        table = client.get(ia_api.cdx_url, params=params).json()
        key = table[-1][0] if len(table) > 2 and table[-2] == [] else ""
        rows = table[1:-2] if key else table[1:]
        seen += [row[2] for row in rows]
        if not key:
            break
        params["resumeKey"] = key
    assert seen == [f"http://resume.example.org/a/{n}.html" for n in range(5)]
    plain = {"url": "resume.example.org", "matchType": "domain", "limit": "3"}
    text = client.get(ia_api.cdx_url, params={**plain, "showResumeKey": "true"}).text
    lines = text.split("\n")
    assert lines[3] == "" and lines[4] == "org%2Cexample%2Cresume%29%2Fa%2F0.html+20220302080000"
    bad = client.get(ia_api.cdx_url, params={**base, "collapse": "nosuchfield"})
    assert bad.status_code == 400


def test_web_root_replays_and_forwards_timegate(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    raw = client.get(f"{ia_api.web_root}20210310093000id_/{page.url}")
    assert raw.status_code == 200
    assert "Good near" in raw.text
    gate = client.get(
        ia_api.web_root + page.url,
        headers={"Accept-Datetime": "Fri, 12 Mar 2021 00:00:00 GMT"},
    )
    assert gate.headers["location"] == f"{ia_api.web_root}20210310093000/{page.url}"
    timemap = client.get(f"{ia_api.web_root}timemap/link/{page.url}")
    assert f"{ia_api.web_root}20210318141500" in timemap.text
    assert "/lw/" not in timemap.text


def test_save_requires_the_low_authorization(
    ia_api: IAServer, local_web: LocalWeb, client: httpx.Client
) -> None:
    reply = client.post(ia_api.save_url, data={"url": local_web.url("ok-html")})
    assert reply.status_code == 401
    wrong = {"Authorization": "LOW nobody:nothing"}
    reply = client.post(ia_api.save_url, data={"url": local_web.url("ok-html")}, headers=wrong)
    assert reply.status_code == 401


def test_unscripted_save_succeeds_after_one_pending_and_can_be_looked_up(
    ia_api: IAServer, local_web: LocalWeb, local_archive: LocalArchive, client: httpx.Client
) -> None:
    url = local_web.url("soft404-english-live")
    reply = client.post(ia_api.save_url, data={"url": url}, headers=_auth(ia_api))
    assert reply.status_code == 200
    job = reply.json()
    assert job["url"] == url
    assert job["job_id"].startswith("spn2-")
    answers = _poll(client, ia_api, job["job_id"])
    assert [a["status"] for a in answers] == ["pending", "success"]
    done = answers[-1]
    assert done["original_url"] == url
    assert len(done["timestamp"]) == 14
    rows = client.get(ia_api.cdx_url, params={"url": url, "output": "json"}).json()
    assert done["timestamp"] in [row[1] for row in rows[1:]]
    replay = client.get(f"{local_archive.root}{done['timestamp']}id_/{url}")
    assert replay.text == client.get(url).text


def test_scripted_success_waits_for_pending_polls(
    ia_api: IAServer, local_web: LocalWeb, client: httpx.Client
) -> None:
    url = local_web.url("ok-pdf")
    ia_api.script(url, "success", pending_polls=3)
    job = client.post(ia_api.save_url, data={"url": url}, headers=_auth(ia_api)).json()
    statuses = [a["status"] for a in _poll(client, ia_api, job["job_id"])]
    assert statuses == ["pending", "pending", "pending", "success"]


@pytest.mark.parametrize("status_ext", ["error:bad-gateway", "error:blocked-url"])
def test_scripted_error_reports_status_ext(
    ia_api: IAServer, local_web: LocalWeb, client: httpx.Client, status_ext: str
) -> None:
    url = local_web.url("ok-html") + f"?error={status_ext}"
    ia_api.script(url, "error", status_ext=status_ext)
    job = client.post(ia_api.save_url, data={"url": url}, headers=_auth(ia_api)).json()
    answers = _poll(client, ia_api, job["job_id"])
    assert [a["status"] for a in answers] == ["pending", "error"]
    assert answers[-1]["status_ext"] == status_ext
    assert answers[-1]["message"]


def test_save_of_a_dead_page_fails_with_not_found(
    ia_api: IAServer, local_web: LocalWeb, client: httpx.Client
) -> None:
    url = local_web.url("not-found-404")
    job = client.post(ia_api.save_url, data={"url": url}, headers=_auth(ia_api)).json()
    final = _poll(client, ia_api, job["job_id"])[-1]
    assert final["status"] == "error"
    assert final["status_ext"] == "error:not-found"


def test_already_saved_answer_mentions_the_recent_snapshot(
    ia_api: IAServer, local_archive: LocalArchive, client: httpx.Client
) -> None:
    page = local_archive.pages["good-near"]
    ia_api.script(page.url, "already")
    reply = client.post(ia_api.save_url, data={"url": page.url}, headers=_auth(ia_api)).json()
    assert "The same snapshot had been made" in reply["message"]
    assert "ago" in reply["message"]
    final = _poll(client, ia_api, reply["job_id"])[-1]
    assert final["status"] == "success"
    assert final["timestamp"] == page.captures[-1][0]


@pytest.mark.parametrize("retry_after", [3, None])
def test_scripted_429_with_and_without_retry_after(
    ia_api: IAServer, local_web: LocalWeb, client: httpx.Client, retry_after: int | None
) -> None:
    url = local_web.url("ok-html") + f"?rate={retry_after}"
    ia_api.script(url, "429", retry_after=retry_after)
    first = client.post(ia_api.save_url, data={"url": url}, headers=_auth(ia_api))
    assert first.status_code == 429
    assert first.headers.get("retry-after") == (None if retry_after is None else "3")
    second = client.post(ia_api.save_url, data={"url": url}, headers=_auth(ia_api))
    assert second.status_code == 200
    assert "job_id" in second.json()


def test_unknown_job_and_bad_url_are_errors(ia_api: IAServer, client: httpx.Client) -> None:
    assert client.get(ia_api.status_url("spn2-unknown")).json()["status"] == "error"
    reply = client.post(ia_api.save_url, data={"url": "not a url"}, headers=_auth(ia_api))
    assert reply.status_code == 400
    assert json.loads(reply.text)["status_ext"] == "error:invalid-url-syntax"


def test_requests_are_logged(ia_api: IAServer, client: httpx.Client) -> None:
    ia_api.clear_requests()
    client.get(ia_api.cdx_url, params={"url": "http://example.invalid/"})
    assert [r.path.split("?")[0] for r in ia_api.requests()] == ["/cdx/search/cdx"]
    ia_api.clear_requests()
    assert ia_api.requests() == []
