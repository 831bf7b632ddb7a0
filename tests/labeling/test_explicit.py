"""Explicit labels people can see or hear: text, images (5 % rule, contrast), audio, video (2 s)."""

from __future__ import annotations

import math
import subprocess
import wave
from pathlib import Path

import pytest
from PIL import Image

from aisgf.errors import InvalidInput
from aisgf.labeling.explicit import audio, image, text, video
from aisgf.labeling.explicit.fonts import find_cjk_font

from .conftest import FFMPEG, FFPROBE, needs_ffmpeg

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_text_labels_all_kinds_and_idempotent() -> None:
    plain = text.add_text_label("正文。", kind="plain", position="both")
    assert plain.startswith("【本内容由人工智能生成") and plain.rstrip().endswith("】")
    assert text.add_text_label(plain, kind="plain", position="both") == plain
    md = text.add_text_label("---\ntitle: x\n---\n# H\n", kind="markdown", position="start")
    assert md.startswith("---\ntitle: x\n---\n> 本内容由人工智能生成")
    page = "<html><body><p>hi</p></body></html>"
    h = text.add_text_label(page, kind="html", position="both")
    assert h.count('class="aigc-label"') == 2 and h.index("<body>") < h.index("aigc-label") < h.index(
        "</body>"
    )
    assert text.add_text_label(h, kind="html", position="both") == h
    assert text.has_text_label(h) and not text.has_text_label("<p>nothing</p>")
    with pytest.raises(Exception, match="must contain"):
        text.add_text_label("x", label="generated")


def _luminance(rgb: tuple[int, ...]) -> float:
    def ch(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * ch(rgb[0]) + 0.7152 * ch(rgb[1]) + 0.0722 * ch(rgb[2])


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_cjk_font_is_real() -> None:
    path, _ = find_cjk_font()
    assert Path(path).is_file()


@pytest.mark.parametrize(
    ("bg", "size"), [((255, 255, 255), (800, 600)), ((0, 0, 0), (600, 900)), ((128, 128, 128), (320, 240))]
)
def test_image_label_size_and_contrast(
    bg: tuple[int, int, int], size: tuple[int, int], tmp_path: Path
) -> None:
    f = tmp_path / "img.png"
    Image.new("RGB", size, bg).save(f)
    p = image.add_image_label(f)
    shorter = min(size)
    assert p.min_char_height == math.ceil(0.05 * shorter)
    assert p.char_height >= 0.05 * shorter
    with Image.open(f) as im:
        rgb = im.convert("RGB")
        x0, y0, x1, y1 = p.text_box
        # Measure the drawn glyphs: rows with text pixels give the real character height.
        text_rows = [y for y in range(y0, y1) if any(min(rgb.getpixel((x, y))) >= 200 for x in range(x0, x1))]
        assert text_rows and (max(text_rows) - min(text_rows) + 1) >= 0.05 * shorter
        plate = rgb.getpixel((p.box[0] + 1, p.box[1] + 1))
        assert _contrast((255, 255, 255), plate) >= 4.5  # text vs its plate (WCAG AA)
        assert rgb.getpixel((2, 2)) == bg  # rest of the picture untouched
        ARTIFACTS.mkdir(exist_ok=True)
        im.save(ARTIFACTS / f"explicit-{bg[0]}-{size[0]}x{size[1]}.png")


def test_image_label_keeps_format(tmp_path: Path) -> None:
    f = tmp_path / "photo.jpg"
    Image.new("RGB", (400, 300), (240, 240, 240)).save(f)
    image.add_image_label(f, corner="top-left")
    with Image.open(f) as im:
        assert im.format == "JPEG" and im.size == (400, 300)


def test_rhythm_is_short_long_short_short(tmp_path: Path) -> None:
    f = tmp_path / "r.wav"
    seconds = audio.rhythm_wav(f, 8000)
    with wave.open(str(f)) as w:
        frames = w.readframes(w.getnframes())
    samples = [int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)]
    # Split into runs of sound/silence (10 ms windows).
    win = 80
    loud = [max(abs(s) for s in samples[i : i + win]) > 1000 for i in range(0, len(samples), win)]
    runs: list[int] = []
    prev = False
    for v in loud:
        if v and not prev:
            runs.append(0)
        if v:
            runs[-1] += 1
        prev = v
    assert len(runs) == 4
    short, long_ = runs[0], runs[1]
    assert long_ > 2 * short and abs(runs[2] - short) <= 1 and abs(runs[3] - short) <= 1
    assert seconds > 0.5


def _duration(p: Path) -> float:
    assert FFPROBE
    return float(
        subprocess.run(
            [FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(p)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@needs_ffmpeg
@pytest.mark.parametrize(
    ("kind", "mode", "position"),
    [("wav", "rhythm", "start"), ("mp3", "voice", "both"), ("flac", "rhythm", "end")],
)
def test_audio_label_prepended(kind: str, mode: str, position: str, copy_of) -> None:  # type: ignore[no-untyped-def]
    import shutil

    if mode == "voice" and not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng missing: apt-get install espeak-ng")
    f = copy_of(kind)
    before = _duration(f)
    label_s = audio.add_audio_label(f, mode=mode, position=position)  # type: ignore[arg-type]
    after = _duration(f)
    n = 2 if position == "both" else 1
    assert after == pytest.approx(before + n * label_s + 0.3 * n, abs=0.25)


@needs_ffmpeg
def test_video_opening_label_and_corner_mark(copy_of, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = copy_of("mp4")
    orig = tmp_path / "orig.mp4"
    orig.write_bytes(f.read_bytes())
    placement = video.add_video_label(f)
    assert placement.opening_seconds >= 2.0
    assert placement.mark_char_height >= 0.05 * min(placement.width, placement.height)
    assert FFMPEG

    def frame(p: Path, t: float) -> Image.Image:
        out = tmp_path / f"{p.stem}-{t}.png"
        subprocess.run(
            [FFMPEG, "-v", "error", "-y", "-ss", str(t), "-i", str(p), "-frames:v", "1", str(out)], check=True
        )
        return Image.open(out).convert("L")

    def diff(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
        pa, pb = a.crop(box).tobytes(), b.crop(box).tobytes()
        return sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)

    w, h = placement.width, placement.height
    center = (w // 4, h // 3, 3 * w // 4, 2 * h // 3)
    corner = (w - w // 4, h - h // 5, w, h)
    at1, at25 = frame(f, 1.0), frame(f, 2.5)
    o1, o25 = frame(orig, 1.0), frame(orig, 2.5)
    assert diff(at1, o1, center) > 20  # opening banner present at 1 s
    assert diff(at25, o25, center) < 8  # gone after 2 s
    assert diff(at25, o25, corner) > 20  # corner mark persists
    ARTIFACTS.mkdir(exist_ok=True)
    at1.save(ARTIFACTS / "video-1s.png")
    at25.save(ARTIFACTS / "video-2.5s.png")


def test_sample_pictures_script(tmp_path: Path) -> None:
    """benchmarks/labeling_samples.py (which writes docs/labeling/) keeps working and its files small."""
    import importlib.util

    from aisgf.labeling import implicit

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "labeling_samples.py"
    spec = importlib.util.spec_from_file_location("labeling_samples", script)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    written = mod.build(tmp_path)
    assert len(written) == 4
    for f in written:
        assert f.stat().st_size <= 100 * 1024
        assert implicit.detect(f).status == "labeled"
        with Image.open(f) as im:
            assert im.size[0] * im.size[1] > 0


# GB 45438 5.1 (rule explicit.text-wording): an AI element AND a generation element make a label.
TEXT_LABELED = [
    "AI合成内容\n\n今天的天气预报如下。",
    "人工智能生成\n正文。",
    "【本内容由人工智能生成 / AI-generated content】\n\n正文。",
    "> 本回答由 AI 辅助生成，仅供参考。\n\n正文",
    "ＡＩ生成：以下为摘要。",  # full-width letters
    "正文很长。\n\n（以上内容由人工智能合成）",  # at the end
    "<html><body><p class=\"aigc-label\">本内容由AI生成</p><p>正文</p></body></html>",
]
TEXT_NOT_LABELED = [
    "人工智能客服",
    "人工智能客服今天上线，报告生成于周一。",  # the two elements are in different clauses
    "《生成式人工智能服务管理暂行办法》第一条 为了促进生成式人工智能健康发展……",
    "人工智能发展报告（2024）\n\n第一章 总论",
    "这款AI工具很好用。",
    "AI-generated content\n\nBody.",  # English only: no 生成/合成
    "SAID生成的报表",  # "AI" inside a Latin word
    "人工智能生成式模型综述",  # 生成式 = "generative", not a generation element
    "人工智能的历史。" + "正文。" * 40 + "报告由系统生成于周一。",  # 生成 far from the start
    "<html><head><title>人工智能生成</title></head><body><p>人工智能客服</p></body></html>",  # title is not shown
]


@pytest.mark.parametrize("body", TEXT_LABELED)
def test_text_label_detected(body: str) -> None:
    assert text.has_text_label(body), body


@pytest.mark.parametrize("body", TEXT_NOT_LABELED)
def test_text_mentioning_ai_is_not_a_label(body: str) -> None:
    assert not text.has_text_label(body), body


@pytest.mark.parametrize(("label", "ok"), [("AI合成内容", True), ("人工智能生成", True), ("人工智能客服", False)])
def test_add_text_label_checks_the_wording(label: str, ok: bool) -> None:
    if ok:
        assert text.add_text_label("正文。", label=label).startswith(f"【{label}】")
    else:
        with pytest.raises(InvalidInput, match="generation element"):
            text.add_text_label("正文。", label=label)


def test_detect_reports_explicit_text_label_by_the_rule(tmp_path: Path) -> None:
    from aisgf.labeling import implicit

    yes, no = tmp_path / "yes.md", tmp_path / "no.md"
    yes.write_text("AI合成内容\n\n# 周报\n", encoding="utf-8")
    no.write_text("# 人工智能客服上线\n\n本周客服系统处理了 300 个工单。\n", encoding="utf-8")
    assert implicit.detect(yes).explicit is True
    assert implicit.detect(no).explicit is False
