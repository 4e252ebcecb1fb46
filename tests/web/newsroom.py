"""A generated newsroom for `linkwatch find`: whole days of captured pages, and citations of them.

`build_ground(seed)` writes, deterministically from the seed, several outlets' pages (Chinese
state media, a regional government portal, an English-language state daily) over a few
days each: dozens of captures on each cited day, pages on the same topic with other
figures, the same story again on the next day, home and section pages, Chinese and
English pages. Each citation is written the way an English report cites a Chinese source
(figures, a term given in Chinese, a place); some cite a page that is in the archive, some
a page that was never captured. The records go into the local pywb collection
(`LocalArchive.add_records`) or are read directly by the calibration bench.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence

from linkwatch.records import Citation

PLACES = (
    ("Hotan", "和田"),
    ("Kashgar", "喀什"),
    ("Aksu", "阿克苏"),
    ("Yining", "伊宁"),
    ("Turpan", "吐鲁番"),
    ("Hami", "哈密"),
    ("Karakax", "墨玉"),
    ("Artush", "阿图什"),
)
PROGRAMS = (
    ("rural labor transfer", "农村劳动力转移就业"),
    ("vocational training", "职业技能培训"),
    ("rural revitalization", "乡村振兴"),
    ("cotton harvesting", "棉花采收"),
    ("border trade", "边境贸易"),
    ("tourism", "旅游产业"),
)
TERMS = (
    ("high-quality development", "高质量发展"),
    ("stable employment", "稳定就业"),
    ("common prosperity", "共同富裕"),
    ("ethnic unity", "民族团结"),
    ("industrial revitalization", "产业振兴"),
    ("pairing assistance", "对口援疆"),
)
FILLER_ZH = (
    "会议强调，要坚持以人民为中心的发展思想，扎实推进各项工作落地见效。",
    "各级部门加强统筹协调，完善服务保障体系，确保政策措施落实到位。",
    "下一步，当地将继续优化营商环境，推动产业转型升级。",
    "据介绍，相关部门多次深入基层开展调研，听取群众意见建议。",
    "活动现场气氛热烈，干部群众纷纷表示将以实际行动推动发展。",
    "记者从有关部门获悉，今年以来各项指标运行总体平稳。",
)
FILLER_EN = (
    "Officials said the measures would be rolled out across the region in the coming months.",
    "Local authorities held a series of meetings to review progress and coordinate work.",
    "The region has stepped up investment in infrastructure and public services.",
    "Residents interviewed said the programs had changed daily life in their villages.",
)


@dataclasses.dataclass(frozen=True, slots=True)
class OutletSpec:
    """A generated outlet: its registry name, host and how it writes article URLs."""

    name: str
    host: str
    language: str
    pattern: str
    """``{y}{m}{d}`` and ``{n}`` are filled in."""


OUTLETS = (
    OutletSpec("Xinhua", "www.news.cn", "zh", "/politics/{y}-{m}/{d}/c_{n}.htm"),
    OutletSpec("Tianshan", "news.ts.cn", "zh", "/system/{y}/{m}/{d}/0{n}.shtml"),
    OutletSpec(
        "XUAR Government", "www.xinjiang.gov.cn", "zh", "/xinjiang/bmdt/{y}{m}/t{y}{m}{d}_{n}.html"
    ),
    OutletSpec("China Daily", "www.chinadaily.com.cn", "en", "/a/{y}{m}/{d}/WS{n}.html"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class Story:
    """What one article reports."""

    place: int
    program: int
    term: int
    people: int
    """A head count (written 305万 or 3.05 million)."""
    percent: float
    money: int
    """Yuan."""


@dataclasses.dataclass(frozen=True, slots=True)
class Record:
    """One capture to write: original URL, 14-digit timestamp, HTML body."""

    url: str
    timestamp: str
    body: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class GroundCitation:
    """A generated citation and the page it cites ('' when that page was never captured)."""

    citation: Citation
    cited_url: str
    outlet: str
    style: int
    """How the report cites it (:func:`citation_context`)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Ground:
    """The generated captures and citations."""

    records: list[Record]
    citations: list[GroundCitation]


def _zh_count(n: int) -> str:
    return f"{n / 10000:g}万" if n >= 10000 else f"{n}"


def _en_count(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} million"
    return f"{n:,}"


def _zh_money(n: int) -> str:
    return f"{n / 100_000_000:g}亿元"


def _en_money(n: int) -> str:
    return f"{n / 1_000_000_000:g} billion yuan"


def _story(rng: random.Random, place: int | None = None, program: int | None = None) -> Story:
    return Story(
        place=rng.randrange(len(PLACES)) if place is None else place,
        program=rng.randrange(len(PROGRAMS)) if program is None else program,
        term=rng.randrange(len(TERMS)),
        people=rng.choice((rng.randrange(12, 400) * 10_000, rng.randrange(1_000, 99_999))),
        percent=round(rng.uniform(1.5, 30.0), 1),
        money=rng.randrange(5, 900) * 10_000_000,
    )


def story_title(story: Story, language: str) -> str:
    """The article's headline."""
    if language == "zh":
        return f"{PLACES[story.place][1]}{PROGRAMS[story.program][1]}工作取得新成效"
    return f"{PLACES[story.place][0]} reports progress in {PROGRAMS[story.program][0]}"


def page_html(story: Story, day: dt.date, language: str, rng: random.Random) -> str:
    """An article page reporting ``story``, with navigation and footer around it."""
    place_en, place_zh = PLACES[story.place]
    program_en, program_zh = PROGRAMS[story.program]
    term_en, term_zh = TERMS[story.term]
    title = story_title(story, language)
    if language == "zh":
        body = [
            f"{day.year}年{day.month}月{day.day}日，{place_zh}地区召开{program_zh}工作推进会。",
            f"今年以来，{place_zh}累计实现{program_zh}{_zh_count(story.people)}人次，"
            f"同比增长{story.percent:g}%，带动增收{_zh_money(story.money)}。",
            f"会议指出，要坚持{term_zh}，推动{program_zh}工作再上新台阶。",
            *rng.sample(FILLER_ZH, 3),
        ]
    else:
        body = [
            f"{place_en} held a meeting on {program_en} on {day:%B} {day.day}, {day.year}.",
            f"So far this year {place_en} has recorded {_en_count(story.people)} people in"
            f" {program_en}, up {story.percent:g} percent year-on-year, raising incomes by"
            f" {_en_money(story.money)}.",
            f'Officials called for "{term_en}" to guide {program_en} work.',
            *rng.sample(FILLER_EN, 2),
        ]
    paragraphs = "".join(f"<p>{p}</p>" for p in body)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav><a href='/'>首页 Home</a> <a href='/politics/'>时政 Politics</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        f"<footer>版权所有 Copyright</footer></body></html>"
    )


def citation_context(story: Story, style: int) -> str:
    """How an English report cites the story: several styles, from rich to thin."""
    place_en, _ = PLACES[story.place]
    program_en, _ = PROGRAMS[story.program]
    term_en, term_zh = TERMS[story.term]
    people, pct = _en_count(story.people), f"{story.percent:g} percent"
    if style == 0:
        return (
            f"{place_en} reported {people} people placed through {program_en} this year,"
            f" up {pct}, under the slogan of “{term_en} ({term_zh})”"
        )
    if style == 1:
        return f"In {place_en}, {program_en} reached {people} people, officials said"
    if style == 2:
        return f"local officials framed {program_en} in {place_en} as “{term_en} ({term_zh})”"
    if style == 3:
        return (
            f"{program_en} raised incomes in {place_en} by {_en_money(story.money)} and grew {pct}"
        )
    return f"{place_en} has pressed ahead with {program_en}"


def _url(outlet: OutletSpec, day: dt.date, n: int) -> str:
    path = outlet.pattern.format(y=f"{day.year}", m=f"{day.month:02d}", d=f"{day.day:02d}", n=n)
    return f"http://{outlet.host}{path}"


def _ts(day: dt.date, rng: random.Random) -> str:
    return f"{day:%Y%m%d}{rng.randrange(0, 24):02d}{rng.randrange(60):02d}{rng.randrange(60):02d}"


def build_ground(
    seed: int,
    *,
    outlets: Sequence[OutletSpec] = OUTLETS,
    days_per_outlet: int = 3,
    pages_per_day: int = 30,
    first_day: dt.date = dt.date(2023, 10, 2),
) -> Ground:
    """Generate the captures and citations for ``seed`` (the same seed, the same ground)."""
    rng = random.Random(seed)
    records: list[Record] = []
    citations: list[GroundCitation] = []
    serial = rng.randrange(10_000_000, 90_000_000)
    for o_index, outlet in enumerate(outlets):
        for d_index in range(days_per_outlet):
            day = first_day + dt.timedelta(days=7 * d_index + 2 * o_index + rng.randrange(3))
            cited = _story(rng)
            in_archive = rng.random() < 0.7
            style = rng.randrange(5)
            pages: list[tuple[dt.date, Story]] = []
            if in_archive:
                pages.append((day, cited))
            # The same topic the same day, with other figures.
            pages += [(day, _story(rng, cited.place, cited.program)) for _ in range(3)]
            # The same story again the next day (a re-run, figures unchanged).
            if rng.random() < 0.5:
                pages.append((day + dt.timedelta(days=1), cited))
            pages += [(day, _story(rng)) for _ in range(pages_per_day)]
            for near in (-1, 1):
                pages += [(day + dt.timedelta(days=near), _story(rng)) for _ in range(8)]
            cited_url = ""
            for when, story in pages:
                serial += rng.randrange(1, 5000)
                url = _url(outlet, when, serial)
                if story is cited and when == day and in_archive:
                    cited_url = url
                html = page_html(story, when, outlet.language, rng)
                records.append(Record(url, _ts(when, rng), html.encode("utf-8")))
            for when in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
                home = f"<html><head><title>{outlet.name}</title></head><body>首页</body></html>"
                records.append(Record(f"http://{outlet.host}/", _ts(when, rng), home.encode()))
            cid = f"{outlet.name.lower().replace(' ', '-')}-{seed}-{d_index}"
            # Reports give the headline now and then: in English for an English outlet,
            # in Chinese (in a note) for a Chinese one.
            titled = rng.random() < (0.5 if outlet.language == "en" else 0.3)
            citation = Citation(
                id=cid,
                source=outlet.name,
                date=day.isoformat(),
                title=story_title(cited, outlet.language) if titled else "",
                context=citation_context(cited, style),
            )
            citations.append(GroundCitation(citation, cited_url, outlet.name, style))
    return Ground(records, citations)
