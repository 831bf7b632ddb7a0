"""Per-document quality flags (§4.1.2(e)) and the script-mix language signal."""

from __future__ import annotations

from aisgf.screening.quality import MinHasher, language_of, quality_flags, quality_flags_batch


def test_quality_flags() -> None:
    assert quality_flags("   \n", 20) == ["empty"]
    assert quality_flags("short", 20) == ["too_short"]
    assert quality_flags("a normal sentence that is long enough", 20) == []
    assert "control_chars" in quality_flags("text with a \x07 bell in it, long enough", 20)
    assert "mojibake" in quality_flags("Ã©tÃ© trÃ¨s â€™ cafÃ© garbled text here", 20)
    assert "mojibake" in quality_flags("锟斤拷锟斤拷锟斤拷 烫烫烫 garbled", 5)
    assert quality_flags("très café — déjà vu, a normal accented sentence", 20) == []


def test_language_and_minhash() -> None:
    assert language_of("完全是中文的句子。") == "zh"
    assert language_of("Entirely English words.") == "en"
    assert language_of("中文 mixed with English words and 更多中文") == "mixed"
    m = MinHasher()
    a = "the quick brown fox jumps over the lazy dog " * 5
    assert m.band_keys(a) == m.band_keys(a.upper())  # normalised: case and whitespace
    same = sum(x == y for x, y in zip(m.band_keys(a), m.band_keys(a + "and more"), strict=True))
    other = sum(x == y for x, y in zip(m.band_keys(a), m.band_keys("completely different text " * 6), strict=True))
    assert same >= 1 and other == 0


def test_quality_flags_batch_equals_per_document() -> None:
    texts = [
        "a normal sentence that is long enough",
        "",
        "short",
        "text with a \x07 bell in it, long enough",
        "Ã©tÃ© trÃ¨s â€™ cafÃ© garbled text here",
        "中文正常文本，足够长的一段话，没有任何问题。",
        "锟斤拷锟斤拷锟斤拷 烫烫烫 garbled",
        "NUL \x00 inside a long enough document",
        "très café — déjà vu, a normal accented sentence",
    ]
    encoded = [t.encode("utf-8") for t in texts]
    assert quality_flags_batch(texts, encoded, 5) == [quality_flags(t, 5) for t in texts]
    clean = texts[:1] + texts[5:6]
    assert quality_flags_batch(clean, [t.encode() for t in clean], 5) == [[], []]
    assert language_of("中文 mixed with English words", "中文 mixed with English words".encode()) == "mixed"


def test_native_minhash_signature_equals_numpy_reference() -> None:
    import numpy as np

    m = MinHasher()
    rng = np.random.default_rng(4)
    for n in (1, 7, 300, 2048, 2049, 6000):
        shingles = np.unique(rng.integers(0, 2**32, size=n, dtype=np.uint64))
        assert (m.signature(shingles) == m.signature_numpy(shingles)).all(), n
    for text in ("hello", "x" * 5000, "中文的近似重复检测" * 40, "mixed 中文 and English, again and again " * 30):
        data = text.encode("utf-8")
        expected = m.signature_numpy(m.shingle_hashes(data))
        assert (m.signature_of_bytes(data) == expected).all(), text[:20]


def test_doc_stats_give_language_of_and_control_flags() -> None:
    """The batch counts (one native pass) answer exactly as language_of and the control regex."""
    import random

    from aisgf.screening.quality import _CONTROL, doc_stats, languages_from_counts

    rng = random.Random(9)
    pieces = ["中文内容", "English words", " ", "\n", "\t", "\x07", "\x7f", "😀", "ñ", "12345", "Ａ", "\u3000"]
    texts = ["", "   "] + ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 900))) for _ in range(300)]
    latin = ["English words", " ", "\n", "12345"]
    texts += ["".join(rng.choice(latin) for _ in range(rng.randint(1, 900))) for _ in range(50)]
    encoded = [t.encode("utf-8") for t in texts]
    cont, letters, control = doc_stats(texts, encoded)
    langs = languages_from_counts(cont, letters)
    for t, lang, ctrl in zip(texts, langs, control.tolist(), strict=True):
        assert lang == language_of(t, t.encode("utf-8")), t[:40]
        assert ctrl == bool(_CONTROL.search(t))
    assert {"zh", "en", "mixed", "other"} <= set(langs)
