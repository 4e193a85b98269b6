"""Draw placeholder portraits for the demo cadres.

For every cadre in data/cadres.yaml that has `photo:` set, write a 600x800 (3:4) JPEG to
data/<photo>: a tinted background with a plain head-and-shoulders silhouette. Colours and
proportions come from a random generator seeded with the cadre id, so every run draws the same
pictures and every cadre gets a different one.

    python scripts/make_demo_photos.py            # all cadres with a photo
    python scripts/make_demo_photos.py --force    # overwrite existing files too
"""
from __future__ import annotations

import argparse
import colorsys
import random
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
WIDTH, HEIGHT = 600, 800
SCALE = 2  # draw at double size, then shrink, for smooth edges
QUALITY = 85


def _rgb(h: float, l: float, s: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(h % 1.0, l, s)
    return round(r * 255), round(g * 255), round(b * 255)


def portrait(seed: str) -> Image.Image:
    rng = random.Random(f"booklet-demo-photo:{seed}")
    w, h = WIDTH * SCALE, HEIGHT * SCALE

    # Background: a pale tint fading a little darker towards the bottom.
    bg_hue = rng.random()
    bg_sat = rng.uniform(0.25, 0.55)
    top = _rgb(bg_hue, rng.uniform(0.86, 0.92), bg_sat)
    bottom = _rgb(bg_hue + rng.uniform(-0.04, 0.04), rng.uniform(0.72, 0.80), bg_sat)
    gradient = Image.linear_gradient("L").resize((w, h))
    img = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), gradient)

    # Silhouette colour: a hue well away from the background, fairly dark.
    fg_hue = bg_hue + rng.uniform(0.3, 0.7)
    body = _rgb(fg_hue, rng.uniform(0.22, 0.40), rng.uniform(0.25, 0.65))
    head = _rgb(fg_hue + rng.uniform(-0.03, 0.03), min(1.0, (sum(body) / 765) + 0.06), rng.uniform(0.2, 0.5))

    cx = w / 2 + rng.uniform(-0.03, 0.03) * w
    head_w = rng.uniform(0.36, 0.42) * w
    head_h = head_w * rng.uniform(1.22, 1.36)
    head_top = rng.uniform(0.12, 0.18) * h
    head_bottom = head_top + head_h
    shoulder_w = rng.uniform(0.88, 1.04) * w
    shoulder_top = head_bottom + rng.uniform(0.02, 0.05) * h
    neck_w = head_w * rng.uniform(0.40, 0.50)

    # A soft shadow behind the figure, then the figure itself.
    shadow = Image.new("L", (w, h), 0)
    sd = ImageDraw.Draw(shadow)
    off = 0.015 * w
    sd.ellipse((cx - shoulder_w / 2 + off, shoulder_top + off, cx + shoulder_w / 2 + off, shoulder_top + 1.1 * h), fill=90)
    sd.ellipse((cx - head_w / 2 + off, head_top + off, cx + head_w / 2 + off, head_bottom + off), fill=90)
    shadow = shadow.filter(ImageFilter.GaussianBlur(0.02 * w))
    img.paste(Image.new("RGB", (w, h), _rgb(bg_hue, 0.45, bg_sat)), (0, 0), shadow)

    draw = ImageDraw.Draw(img)
    # Shoulders: the top of a wide ellipse running off the bottom of the picture.
    draw.ellipse((cx - shoulder_w / 2, shoulder_top, cx + shoulder_w / 2, shoulder_top + 1.1 * h), fill=body)
    # Neck.
    draw.rectangle((cx - neck_w / 2, head_bottom - 0.2 * head_h, cx + neck_w / 2, shoulder_top + 0.04 * h), fill=head)
    # Collar: a V in the body colour, or an open collar showing the neck colour.
    collar_depth = rng.uniform(0.06, 0.12) * h
    if rng.random() < 0.5:
        draw.polygon(
            [(cx - neck_w * 0.8, shoulder_top + 0.01 * h), (cx, shoulder_top + collar_depth), (cx + neck_w * 0.8, shoulder_top + 0.01 * h)],
            fill=head,
        )
    # Head, with an optional darker hair cap.
    draw.ellipse((cx - head_w / 2, head_top, cx + head_w / 2, head_bottom), fill=head)
    if rng.random() < 0.8:
        hair = _rgb(fg_hue, rng.uniform(0.10, 0.20), rng.uniform(0.1, 0.3))
        cap = Image.new("L", (w, h), 0)
        cd = ImageDraw.Draw(cap)
        cd.ellipse((cx - head_w / 2 - 0.01 * w, head_top - 0.015 * h, cx + head_w / 2 + 0.01 * w, head_bottom), fill=255)
        cut = Image.new("L", (w, h), 0)
        ImageDraw.Draw(cut).rectangle((0, 0, w, head_top + head_h * rng.uniform(0.28, 0.40)), fill=255)
        cap = Image.composite(cap, Image.new("L", (w, h), 0), cut)
        img.paste(Image.new("RGB", (w, h), hair), (0, 0), cap)

    return img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def cadres_with_photos(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as f:
        data = yaml.load(f, Loader=yaml.BaseLoader) or {}
    out = []
    for item in data.get("cadres") or []:
        if isinstance(item, dict) and item.get("id") and item.get("photo"):
            out.append((item["id"], item["photo"]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="data directory (default: data/)")
    parser.add_argument("--force", action="store_true", help="overwrite photos that already exist")
    args = parser.parse_args(argv)

    written = skipped = 0
    for cadre_id, photo in cadres_with_photos(args.data / "cadres.yaml"):
        target = args.data / photo
        if target.exists() and not args.force:
            skipped += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        portrait(cadre_id).save(target, "JPEG", quality=QUALITY, optimize=True)
        written += 1
    print(f"wrote {written} photo(s), kept {skipped} existing", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
