"""Shingles, resemblance, cosine and SimHash."""

from __future__ import annotations

from linkwatch.compare import cosine, hamming, jaccard, shingles, simhash, text_simhash, tokens

TEXT = (
    "State media announced the transfer of 3.05 million person-times rural surplus laborers "
    "between January and September, surpassing the state-mandated quota by 10.9 percent."
)


def test_identical_texts_have_resemblance_one() -> None:
    s = shingles(tokens(TEXT))
    assert jaccard(s, s) == 1.0
    assert cosine(tokens(TEXT), tokens(TEXT)) > 0.999


def test_unrelated_texts_score_near_zero() -> None:
    other = "Recipe: whisk three eggs with flour and sugar, then bake for twenty minutes."
    assert jaccard(shingles(tokens(TEXT)), shingles(tokens(other))) == 0.0
    assert cosine(tokens(TEXT), tokens(other)) < 0.12


def test_one_edited_figure_lowers_resemblance_but_not_to_zero() -> None:
    edited = TEXT.replace("3.05 million", "2.9 million")
    score = jaccard(shingles(tokens(TEXT)), shingles(tokens(edited)))
    assert 0.5 < score < 0.95


def test_chinese_text_is_compared_by_character_shingles() -> None:
    a = "自治区今年前三季度转移农村富余劳动力305万人次，超额完成年度目标任务"
    b = "自治区今年前三季度转移农村富余劳动力305万人次，完成年度目标任务"
    c = "今日天气晴朗，适合外出游玩，注意防晒"
    assert jaccard(shingles(tokens(a)), shingles(tokens(b))) > 0.7
    assert jaccard(shingles(tokens(a)), shingles(tokens(c))) == 0.0


def test_simhash_of_near_duplicates_differs_in_few_bits() -> None:
    longer = " ".join(f"{w}{i}" for i, w in enumerate(tokens(TEXT) * 12))
    near = longer + " updated"
    far = "An entirely different page about football results and transfer windows in Europe."
    assert hamming(text_simhash(longer), text_simhash(near)) <= 8
    assert hamming(text_simhash(longer), text_simhash(far)) > 12


def test_simhash_is_stable_and_sixteen_hex_digits() -> None:
    assert text_simhash(TEXT) == text_simhash(TEXT)
    assert len(text_simhash(TEXT)) == 16
    assert simhash([]) == 0


def test_hamming_of_malformed_fingerprints_is_maximal() -> None:
    assert hamming("", "00ff") == 64
    assert hamming("00ff", "00fe") == 1


def test_short_text_is_a_single_shingle() -> None:
    assert shingles(["a", "b"]) == frozenset({"a b"})
    assert shingles([]) == frozenset()
