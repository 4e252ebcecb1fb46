"""Change tiers between the cited capture and the live page, and change between runs."""

from __future__ import annotations

from linkwatch.compare import PageText, changed_since, compare_pages
from linkwatch.results import Fingerprint
from linkwatch.status import ChangeStatus

CITED = PageText(
    title="Labor transfers",
    text=(
        "By the third quarter the region had transferred 3.05 million person-times of rural "
        "surplus laborers, surpassing the state-mandated annual quota by 10.9 percent. Officials "
        "said the transfers would continue through the end of the year and into the next plan, "
        "with training for every household that met the employment conditions."
    ),
)
CONTEXT = "3.05 million person-times, surpassing the quota by 10.9 percent"


def test_identical_text_is_unchanged_and_figures_found_in_both() -> None:
    result = compare_pages(CITED, CITED, CONTEXT)
    assert result.status is ChangeStatus.UNCHANGED
    assert result.similarity == 1.0
    assert set(result.figures_live) == {"3.05 million", "10.9 percent"}
    assert result.figures_missing_live == ()


def test_edited_figures_make_the_page_changed_and_missing_live() -> None:
    live = PageText(
        title=CITED.title,
        text=CITED.text.replace("3.05 million", "2.96 million").replace("10.9 percent", "7 percent")
        + " This article was revised to correct figures supplied by the bureau.",
    )
    result = compare_pages(CITED, live, CONTEXT)
    assert result.status is ChangeStatus.CHANGED
    assert not result.off_topic
    assert set(result.figures_missing_live) == {"3.05 million", "10.9 percent"}
    assert set(result.figures_in_capture) == {"3.05 million", "10.9 percent"}
    assert "no longer on the live page" in result.reason


def test_unrelated_live_page_is_off_topic() -> None:
    live = PageText(
        title="Welcome",
        text="Welcome to our new portal. Browse services, download forms and contact us online "
        "for tourism, weather reports and cultural events in the city this season.",
    )
    result = compare_pages(CITED, live, CONTEXT)
    assert result.status is ChangeStatus.CHANGED
    assert result.off_topic
    assert "replaced" in result.reason


def test_text_that_shrank_by_most_of_its_words_is_off_topic() -> None:
    live = PageText(title=CITED.title, text=CITED.text[:60])
    result = compare_pages(CITED, live)
    assert result.off_topic
    assert "shrank" in result.reason


def test_capture_with_too_little_text_is_unknown() -> None:
    result = compare_pages(PageText(title="", text="Loading"), CITED)
    assert result.status is ChangeStatus.UNKNOWN


def test_same_payload_digest_means_unchanged_since_last_run() -> None:
    fp = Fingerprint(payload_sha1="ABC", text_simhash="00000000000000ff", title="t")
    assert changed_since(fp, fp) is False


def test_simhash_far_apart_means_changed_since_last_run() -> None:
    before = Fingerprint(payload_sha1="ABC", text_simhash="0000000000000000", title="t")
    after = Fingerprint(payload_sha1="DEF", text_simhash="00000000000000ff", title="t")
    near = Fingerprint(payload_sha1="DEF", text_simhash="0000000000000001", title="t")
    assert changed_since(before, after) is True
    assert changed_since(before, near) is False


def test_title_change_means_changed_and_no_history_means_unknown() -> None:
    before = Fingerprint(payload_sha1="ABC", text_simhash="00", title="Old")
    after = Fingerprint(payload_sha1="DEF", text_simhash="00", title="New")
    assert changed_since(before, after) is True
    assert changed_since(None, after) is None
