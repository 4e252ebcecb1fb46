"""Is a fetched capture the page itself, or an archived "page not found"?

Archives keep whatever the server sent, including error pages served with status
200. This is the one place that judges a capture's content; the live check's
not-found wording is reused when it is available so both judge alike.
"""

from __future__ import annotations

import re

from linkwatch.compare.text import PageText
from linkwatch.live.soft404 import not_found_wording

#: Not-found wording in English and Chinese, as it appears in titles and headings.
_NOT_FOUND = re.compile(
    r"(page\s+(?:was\s+)?not\s+found|not\s+found|\b404\b|page\s+(?:does\s+not|doesn't)\s+exist"
    r"|no\s+longer\s+available|has\s+been\s+(?:removed|deleted)|cannot\s+be\s+found"
    r"|页面不存在|网页不存在|页面未找到|找不到(?:该|此|您要的)?页面|无法找到|页面已删除|信息已删除"
    r"|您访问的页面(?:不存在|已删除|找不到)?|文章不存在|内容不存在|已被删除|抱歉.{0,12}(?:不存在|找不到))",
    re.IGNORECASE,
)


def not_found_reason(page: PageText) -> str:
    """Why ``page`` looks like a not-found page (e.g. ``title says "页面不存在"``); empty if not."""
    phrase = not_found_wording(page)
    if phrase:
        # The live check's own phrase list: a capture is judged as a live page would be.
        return f'title or heading says "{phrase}"'
    for label, value in (("title", page.title), *(("heading", h) for h in page.headings[:3])):
        match = _NOT_FOUND.search(value)
        if match:
            return f'{label} says "{match.group(0)}"'
    # A near-empty body that is mostly the wording itself.
    if len(page.text) < 300:
        match = _NOT_FOUND.search(page.text)
        if match:
            return f'the page only says "{match.group(0)}"'
    return ""
