"""Is a fetched capture the page itself, or an archived "page not found"?

Archives keep whatever the server sent, including error pages served with status
200. A capture is judged with the live check's own not-found wording
(:func:`linkwatch.live.soft404.wording_in`), so both judge alike: the wording must
be nearly all of the title, a heading or (on a short page) a sentence, and a real
article about "404" is not taken for an error page.
"""

from __future__ import annotations

from linkwatch.compare.text import PageText
from linkwatch.live.soft404 import SHORT_PAGE_CHARS, wording_in


def not_found_reason(page: PageText) -> str:
    """Why ``page`` looks like a not-found page (e.g. ``title says "页面不存在"``); empty if not."""
    for label, value in (("title", page.title), *(("heading", h) for h in page.headings[:3])):
        phrase = wording_in(value)
        if phrase:
            return f'{label} says "{phrase}"'
    if len(page.text) <= SHORT_PAGE_CHARS:
        for sentence in page.text.replace("。", "\n").replace("！", "\n").splitlines():
            phrase = wording_in(sentence)
            if phrase:
                return f'the page only says "{phrase}"'
    return ""
