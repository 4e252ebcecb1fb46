"""Main-text extraction, decoding and tokenising."""

from __future__ import annotations

from linkwatch.compare import decode_body, extract_main_text, page_text, tokens

PAGE = """<html><head><title>Labor transfer report</title><style>p{}</style></head><body>
<!-- BEGIN WAYBACK TOOLBAR INSERT --><div>Wayback toolbar 20231027 captures</div>
<!-- END WAYBACK TOOLBAR INSERT -->
<div id="_wb_frame_top_banner">pywb banner Archived page</div>
<header>Site header</header><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="sidebar-menu">Related links</div>
<article><h1>Transfers exceed quota</h1><p>The region transferred 3.05 million people.</p></article>
<aside>Most read</aside><footer>Copyright</footer><script>var x = 1;</script>
</body></html>"""


def test_main_text_drops_navigation_and_archive_banners() -> None:
    page = extract_main_text(PAGE)
    assert page.title == "Labor transfer report"
    assert "3.05 million" in page.text
    assert page.headings == ("Transfers exceed quota",)
    for chrome in ("Wayback toolbar", "pywb banner", "Home", "Related", "Most read", "Copyright"):
        assert chrome not in page.text, chrome
    assert "var x" not in page.text


def test_body_is_used_when_there_is_no_article() -> None:
    page = extract_main_text("<html><body><nav>Menu</nav><p>Plain body text</p></body></html>")
    assert page.text == "Plain body text"


def test_gbk_declared_in_meta_is_decoded() -> None:
    html = (
        '<html><head><meta charset="gbk"><title>通知</title></head><body>您访问的页面</body></html>'
    )
    body = html.encode("gbk")
    assert "您访问的页面" in decode_body(body, "text/html")
    assert page_text(body, "text/html").title == "通知"


def test_header_charset_wins_over_a_guess() -> None:
    body = "劳动力转移".encode("gb2312")
    assert decode_body(body, "text/html; charset=GB2312") == "劳动力转移"


def test_undeclared_non_utf8_body_is_guessed_not_crashed() -> None:
    body = ("新疆维吾尔自治区人民政府关于劳动力转移就业的通知" * 5).encode("gb18030")
    assert "劳动力转移" in decode_body(body, "text/html")


def test_tokens_split_chinese_into_characters_and_fold_width() -> None:
    assert tokens("转移 ３０５万 Labor-Transfer") == ["转", "移", "305", "万", "labor", "transfer"]
