"""Photos for the demo, drawn at seed time: a dish seen from above, bread on a tray, a latte with
latte art, a balcony planter of tomatoes, a dog on the grass, a morning path, books by a mug.

Each picture is a handful of shaded shapes on a textured ground, blurred a little and given
grain, so it looks and compresses like a phone photo; the seeded generator makes each one
different. Nothing is downloaded and nothing is stored in the code but these functions.
"""

from __future__ import annotations

import asyncio
import io
import math
import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from domain.media import images
from domain.media.models import Image as Upload
from domain.media.storage import ImageStorage, new_key, rendition_key
from domain.safety.imagehash import dhash

WIDTH, HEIGHT = 1200, 900
RGB = tuple[int, int, int]
Box = tuple[float, float, float, float]


def _jitter(rng: random.Random, colour: RGB, spread: int = 14) -> RGB:
    r, g, b = (max(0, min(255, v + rng.randint(-spread, spread))) for v in colour)
    return (r, g, b)


def _shade(colour: RGB, factor: float) -> RGB:
    r, g, b = (max(0, min(255, int(v * factor))) for v in colour)
    return (r, g, b)


def _radial(size: tuple[int, int]) -> Image.Image:
    """A mask 0 at the centre rising to 255 at the rim (Pillow's radial gradient, stretched)."""
    return Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)


def _disc(canvas: Image.Image, box: Box, inner: RGB, outer: RGB) -> None:
    """An ellipse lit from its centre: ``inner`` in the middle shading to ``outer`` at the rim."""
    x0, y0, x1, y1 = (int(v) for v in box)
    size = (max(1, x1 - x0), max(1, y1 - y0))
    light = Image.new("RGB", size, inner)
    dark = Image.new("RGB", size, outer)
    shaded = Image.composite(dark, light, _radial(size))
    shape = Image.new("L", size, 0)
    ImageDraw.Draw(shape).ellipse((0, 0, size[0] - 1, size[1] - 1), fill=255)
    canvas.paste(shaded, (x0, y0), shape)


def _highlight(draw: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    draw.ellipse((x - r, y - r * 0.7, x + r, y + r * 0.7), fill=(255, 250, 240))


def _shadow(canvas: Image.Image, box: Box, offset: int = 18, blur: int = 28) -> None:
    """A soft shadow under an object, down and to the right of a window light."""
    mask = Image.new("L", canvas.size, 0)
    x0, y0, x1, y1 = box
    ImageDraw.Draw(mask).ellipse((x0 + offset, y0 + offset, x1 + offset, y1 + offset), fill=110)
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    canvas.paste((0, 0, 0), (0, 0), mask)


def _wood(rng: random.Random, base: RGB | None = None) -> Image.Image:
    """A table top: planks of grain running across, drawn small and stretched."""
    base = base or rng.choice(((150, 100, 62), (176, 126, 80), (120, 78, 48), (196, 160, 118)))
    small = Image.new("RGB", (WIDTH // 4, HEIGHT // 4), base)
    draw = ImageDraw.Draw(small)
    plank = rng.randint(40, 70)
    for top in range(0, small.height, plank):
        tone = _jitter(rng, base, 16)
        draw.rectangle((0, top, small.width, top + plank), fill=tone)
        for _ in range(18):
            y = top + rng.uniform(0, plank)
            wave, phase = rng.uniform(1, 4), rng.uniform(0, 6.3)
            points = [
                (x, y + wave * math.sin(x / rng.uniform(18, 40) + phase))
                for x in range(0, small.width + 8, 8)
            ]
            draw.line(points, fill=_shade(tone, rng.uniform(0.8, 1.12)), width=1)
        draw.line((0, top, small.width, top), fill=_shade(base, 0.55), width=1)
    return small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)


def _finish(rng: random.Random, picture: Image.Image) -> bytes:
    """Lens softness, a vignette and sensor grain, then a phone's JPEG."""
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 1.6)))
    vignette = _radial((WIDTH, HEIGHT)).point(lambda v: max(0, v - 120) * 0.45)
    picture = Image.composite(Image.new("RGB", picture.size, (20, 12, 8)), picture, vignette)
    grain = Image.effect_noise((WIDTH, HEIGHT), rng.uniform(10, 16)).convert("RGB")
    picture = ImageChops.blend(picture, ImageChops.overlay(picture, grain), 0.18)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def dish(rng: random.Random) -> bytes:
    """A home-cooked plate from above: tomato and egg, greens, braised pork or shrimp."""
    canvas = _wood(rng)
    draw = ImageDraw.Draw(canvas)
    cx, cy = WIDTH * rng.uniform(0.42, 0.58), HEIGHT * rng.uniform(0.45, 0.55)
    r = HEIGHT * rng.uniform(0.36, 0.42)
    _shadow(canvas, (cx - r, cy - r, cx + r, cy + r))
    _disc(canvas, (cx - r, cy - r, cx + r, cy + r), (250, 250, 246), (214, 214, 208))
    _disc(
        canvas,
        (cx - r * 0.72, cy - r * 0.72, cx + r * 0.72, cy + r * 0.72),
        (236, 236, 230),
        (248, 248, 244),
    )
    food = rng.choice(
        (
            [((250, 206, 70), 0.55), ((206, 44, 30), 0.35), ((90, 160, 60), 0.10)],
            [((70, 140, 50), 0.8), ((230, 225, 200), 0.2)],
            [((130, 60, 30), 0.75), ((200, 150, 60), 0.15), ((90, 160, 60), 0.10)],
            [((240, 120, 80), 0.6), ((250, 235, 220), 0.25), ((90, 160, 60), 0.15)],
        )
    )
    colours, weights = [c for c, _ in food], [w for _, w in food]
    for _ in range(rng.randint(70, 110)):
        angle, dist = rng.uniform(0, 6.3), r * 0.55 * math.sqrt(rng.random())
        x, y = cx + dist * math.cos(angle), cy + dist * math.sin(angle)
        colour = _jitter(rng, rng.choices(colours, weights)[0], 18)
        size = r * rng.uniform(0.05, 0.14) * (0.4 if colour[1] > 140 and colour[0] < 120 else 1)
        _disc(
            canvas,
            (x - size, y - size * rng.uniform(0.6, 1), x + size, y + size),
            _shade(colour, 1.12),
            _shade(colour, 0.78),
        )
        if rng.random() < 0.25:
            _highlight(draw, x - size * 0.3, y - size * 0.3, size * 0.18)
    for n in range(2):  # chopsticks beside the plate
        x = cx + r * 1.12 + n * 26
        draw.rounded_rectangle(
            (x, cy - r * 0.9, x + 12, cy + r * 0.95), 6, fill=_jitter(rng, (60, 36, 22), 8)
        )
    return _finish(rng, canvas)


def bread(rng: random.Random) -> bytes:
    """Loaves or buns fresh from the oven on a baking tray, a little flour about."""
    canvas = _wood(rng)
    draw = ImageDraw.Draw(canvas)
    tray = (WIDTH * 0.1, HEIGHT * 0.12, WIDTH * 0.9, HEIGHT * 0.88)
    _shadow(canvas, tray, 14, 20)
    draw.rounded_rectangle(tray, 30, fill=(70, 70, 74))
    draw.rounded_rectangle(
        (tray[0] + 22, tray[1] + 22, tray[2] - 22, tray[3] - 22), 20, fill=(98, 98, 102)
    )
    crust = rng.choice(((196, 120, 50), (170, 96, 40), (214, 150, 70)))
    rows, cols = rng.choice(((2, 3), (3, 4), (1, 2)))
    cell_w, cell_h = (tray[2] - tray[0] - 80) / cols, (tray[3] - tray[1] - 80) / rows
    for i in range(rows):
        for j in range(cols):
            x0 = tray[0] + 40 + j * cell_w + rng.uniform(4, 18)
            y0 = tray[1] + 40 + i * cell_h + rng.uniform(4, 18)
            box = (x0, y0, x0 + cell_w - rng.uniform(20, 36), y0 + cell_h - rng.uniform(20, 36))
            tone = _jitter(rng, crust, 14)
            _disc(canvas, box, _shade(tone, 1.25), _shade(tone, 0.7))
            mx, my = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            for cut in range(rng.randint(1, 3)):  # score marks
                dy = (cut - 1) * (box[3] - box[1]) * 0.18
                draw.arc(
                    (mx - 40, my + dy - 14, mx + 40, my + dy + 14),
                    200,
                    340,
                    fill=_shade(tone, 0.6),
                    width=5,
                )
    for _ in range(220):
        x, y = rng.uniform(tray[0], tray[2]), rng.uniform(tray[1], tray[3])
        draw.ellipse((x, y, x + 3, y + 3), fill=(240, 236, 226))
    return _finish(rng, canvas)


def latte(rng: random.Random) -> bytes:
    """A cup of latte with a heart or a rosetta, on a saucer, beans scattered about."""
    canvas = _wood(rng, rng.choice(((190, 150, 110), (120, 80, 52), (214, 200, 184))))
    draw = ImageDraw.Draw(canvas)
    cx, cy = WIDTH * rng.uniform(0.42, 0.55), HEIGHT * 0.5
    saucer, cup, coffee = HEIGHT * 0.4, HEIGHT * 0.29, HEIGHT * 0.245
    _shadow(canvas, (cx - saucer, cy - saucer, cx + saucer, cy + saucer))
    _disc(
        canvas,
        (cx - saucer, cy - saucer, cx + saucer, cy + saucer),
        (248, 246, 240),
        (210, 206, 198),
    )
    draw.rounded_rectangle(
        (cx + cup * 0.9, cy - 28, cx + cup * 1.45, cy + 28), 26, fill=(236, 234, 228)
    )
    _disc(canvas, (cx - cup, cy - cup, cx + cup, cy + cup), (252, 252, 248), (222, 220, 214))
    brown = _jitter(rng, (150, 92, 50), 12)
    _disc(
        canvas,
        (cx - coffee, cy - coffee, cx + coffee, cy + coffee),
        _shade(brown, 1.15),
        _shade(brown, 0.62),
    )
    foam = (246, 232, 206)
    if rng.random() < 0.5:  # a heart
        s = coffee * 0.42
        draw.ellipse((cx - s * 1.1, cy - s * 0.9, cx + s * 0.1, cy + s * 0.3), fill=foam)
        draw.ellipse((cx - s * 0.1, cy - s * 0.9, cx + s * 1.1, cy + s * 0.3), fill=foam)
        draw.polygon(
            [(cx - s * 1.05, cy - s * 0.1), (cx + s * 1.05, cy - s * 0.1), (cx, cy + s * 1.05)],
            fill=foam,
        )
    else:  # a rosetta: leaves shrinking up the cup, a line drawn through them
        for n in range(7):
            w, y = coffee * (0.62 - n * 0.07), cy + coffee * (0.5 - n * 0.14)
            draw.ellipse(
                (cx - w, y - w * 0.32, cx + w, y + w * 0.32),
                fill=foam,
                outline=_shade(brown, 0.9),
                width=3,
            )
        draw.line((cx, cy - coffee * 0.55, cx, cy + coffee * 0.7), fill=_shade(brown, 0.9), width=4)
    for _ in range(rng.randint(6, 14)):  # coffee beans
        angle = rng.uniform(0, 6.3)
        dist = rng.uniform(saucer * 1.1, saucer * 1.5)
        x, y = cx + dist * math.cos(angle), cy + dist * math.sin(angle)
        _disc(canvas, (x - 22, y - 15, x + 22, y + 15), (110, 62, 34), (50, 26, 14))
        draw.line((x - 16, y, x + 16, y + rng.uniform(-4, 4)), fill=(38, 20, 10), width=3)
    return _finish(rng, canvas)


def planter(rng: random.Random) -> bytes:
    """A balcony planter of tomato plants against the railing and the sky."""
    canvas = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    sky_top, sky_low = _jitter(rng, (120, 170, 225), 15), _jitter(rng, (225, 236, 245), 8)
    canvas = Image.merge(
        "RGB",
        [
            canvas.point(lambda v, a=a, b=b: a + (b - a) * v // 255)
            for a, b in zip(sky_top, sky_low, strict=True)
        ],
    )
    draw = ImageDraw.Draw(canvas)
    rail = HEIGHT * 0.46
    draw.rectangle((0, rail, WIDTH, HEIGHT), fill=_jitter(rng, (214, 206, 192), 10))
    for x in range(0, WIDTH, 70):
        draw.rectangle((x, rail - 160, x + 10, rail), fill=(90, 90, 96))
    draw.rectangle((0, rail - 176, WIDTH, rail - 156), fill=(80, 80, 86))
    box = (WIDTH * 0.06, HEIGHT * 0.68, WIDTH * 0.94, HEIGHT * 0.96)
    _shadow(canvas, box, 10, 16)
    draw.rectangle(box, fill=_jitter(rng, (178, 96, 60), 12))
    draw.rectangle((box[0], box[1], box[2], box[1] + 26), fill=(92, 62, 40))
    for n in range(rng.randint(3, 4)):
        base_x = box[0] + (n + 0.5) * (box[2] - box[0]) / 4 + rng.uniform(-30, 30)
        top = HEIGHT * rng.uniform(0.12, 0.25)
        stem = [
            (base_x + 24 * math.sin(t / 3 + n), box[1] - (box[1] - top) * t / 10) for t in range(11)
        ]
        draw.line(stem, fill=(70, 120, 40), width=9)
        for _ in range(26):
            sx, sy = rng.choice(stem)
            lx, ly = sx + rng.uniform(-110, 110), sy + rng.uniform(-40, 40)
            leaf = _jitter(rng, (70, 140, 50), 22)
            _disc(
                canvas, (lx - 46, ly - 22, lx + 46, ly + 22), _shade(leaf, 1.2), _shade(leaf, 0.7)
            )
        for _ in range(rng.randint(4, 9)):
            sx, sy = rng.choice(stem[2:9])
            tx, ty, tr = sx + rng.uniform(-70, 70), sy + rng.uniform(0, 50), rng.uniform(18, 30)
            ripe = rng.choice(((215, 40, 30), (230, 90, 30), (120, 170, 60)))
            _disc(
                canvas, (tx - tr, ty - tr, tx + tr, ty + tr), _shade(ripe, 1.2), _shade(ripe, 0.65)
            )
            _highlight(draw, tx - tr * 0.35, ty - tr * 0.35, tr * 0.2)
    return _finish(rng, canvas)


def dog(rng: random.Random) -> bytes:
    """A dog sitting on the lawn of the estate's garden."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), _jitter(rng, (190, 215, 235), 10))
    draw = ImageDraw.Draw(canvas)
    horizon = HEIGHT * rng.uniform(0.3, 0.42)
    for _ in range(6):  # trees behind
        x, r = rng.uniform(0, WIDTH), rng.uniform(90, 180)
        _disc(canvas, (x - r, horizon - r * 1.4, x + r, horizon + 20), (96, 150, 70), (50, 96, 40))
    grass = _jitter(rng, (96, 160, 60), 14)
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=grass)
    for _ in range(2600):
        x, y = rng.uniform(0, WIDTH), rng.uniform(horizon, HEIGHT)
        length = 8 + 30 * (y - horizon) / HEIGHT
        draw.line(
            (x, y, x + rng.uniform(-4, 4), y - length),
            fill=_shade(grass, rng.uniform(0.7, 1.3)),
            width=2,
        )
    coat = rng.choice(((214, 164, 90), (240, 232, 214), (120, 80, 50), (50, 44, 40)))
    ear = _shade(coat, 0.75)
    cx, cy = WIDTH * rng.uniform(0.38, 0.62), HEIGHT * 0.62
    _shadow(canvas, (cx - 200, cy + 150, cx + 200, cy + 260), 0, 24)
    _disc(canvas, (cx - 170, cy - 80, cx + 170, cy + 220), _shade(coat, 1.12), _shade(coat, 0.8))
    for dx in (-110, 60):  # front legs
        draw.rounded_rectangle(
            (cx + dx, cy + 110, cx + dx + 52, cy + 250), 24, fill=_shade(coat, 0.95)
        )
    tail_side = rng.choice((-1, 1))
    draw.line((cx + tail_side * 150, cy + 150, cx + tail_side * 250, cy + 40), fill=ear, width=26)
    hx, hy = cx + rng.uniform(-20, 20), cy - 150
    for side in (-1, 1):  # ears, floppy or pricked
        if coat == (50, 44, 40) or rng.random() < 0.4:
            draw.polygon(
                [
                    (hx + side * 60, hy - 60),
                    (hx + side * 120, hy - 170),
                    (hx + side * 130, hy - 20),
                ],
                fill=ear,
            )
        else:
            _disc(
                canvas,
                (hx + side * 95 - 45, hy - 70, hx + side * 95 + 45, hy + 80),
                ear,
                _shade(ear, 0.8),
            )
    _disc(canvas, (hx - 120, hy - 110, hx + 120, hy + 110), _shade(coat, 1.15), _shade(coat, 0.82))
    _disc(canvas, (hx - 60, hy + 10, hx + 60, hy + 95), _shade(coat, 1.25), _shade(coat, 0.95))
    draw.ellipse((hx - 24, hy + 14, hx + 24, hy + 44), fill=(30, 24, 22))
    for side in (-1, 1):
        draw.ellipse((hx + side * 48 - 16, hy - 40, hx + side * 48 + 16, hy - 8), fill=(26, 20, 18))
        draw.ellipse(
            (hx + side * 48 - 6, hy - 34, hx + side * 48 + 2, hy - 26), fill=(250, 250, 250)
        )
    if rng.random() < 0.6:  # a tongue on a warm day
        draw.ellipse((hx - 16, hy + 80, hx + 16, hy + 126), fill=(224, 110, 120))
    return _finish(rng, canvas)


def path(rng: random.Random) -> bytes:
    """Early morning by the river path or the campsite: sky, low sun, hills, maybe a tent."""
    top, low = rng.choice((((250, 170, 100), (255, 228, 180)), ((120, 170, 230), (240, 220, 190))))
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    canvas = Image.merge(
        "RGB",
        [
            gradient.point(lambda v, a=a, b=b: a + (b - a) * v // 255)
            for a, b in zip(top, low, strict=True)
        ],
    )
    draw = ImageDraw.Draw(canvas)
    sx, sy = WIDTH * rng.uniform(0.2, 0.8), HEIGHT * rng.uniform(0.22, 0.4)
    _disc(canvas, (sx - 180, sy - 180, sx + 180, sy + 180), (255, 240, 200), low)
    _disc(canvas, (sx - 60, sy - 60, sx + 60, sy + 60), (255, 252, 236), (255, 236, 190))
    for layer in range(3):
        base = HEIGHT * (0.45 + layer * 0.1)
        colour = _shade(_jitter(rng, (80, 120, 90), 12), 1.1 - layer * 0.22)
        phase, wave = rng.uniform(0, 6.3), rng.uniform(30, 70)
        outline = [
            (x, base - wave * math.sin(x / rng.uniform(160, 260) + phase))
            for x in range(0, WIDTH + 40, 40)
        ]
        draw.polygon([*outline, (WIDTH, HEIGHT), (0, HEIGHT)], fill=colour)
    near = HEIGHT * 0.72
    draw.polygon(
        [
            (WIDTH * 0.45, near),
            (WIDTH * 0.55, near),
            (WIDTH * 0.85, HEIGHT),
            (WIDTH * 0.15, HEIGHT),
        ],
        fill=_jitter(rng, (200, 180, 150), 10),
    )
    if rng.random() < 0.5:
        tx = WIDTH * rng.choice((0.2, 0.75))
        tent = _jitter(rng, rng.choice(((230, 120, 50), (60, 120, 170), (220, 190, 80))), 10)
        draw.polygon([(tx - 150, near + 120), (tx, near - 80), (tx + 150, near + 120)], fill=tent)
        draw.polygon(
            [(tx - 30, near + 120), (tx, near - 20), (tx + 30, near + 120)], fill=(40, 30, 24)
        )
    return _finish(rng, canvas)


def books(rng: random.Random) -> bytes:
    """A stack of books and a mug of tea on the table, for the reading club."""
    canvas = _wood(rng)
    draw = ImageDraw.Draw(canvas)
    x0, y = WIDTH * rng.uniform(0.12, 0.25), HEIGHT * 0.8
    for _ in range(rng.randint(3, 6)):
        width, height = rng.uniform(420, 560), rng.uniform(46, 80)
        x = x0 + rng.uniform(-30, 30)
        cover = _jitter(
            rng,
            rng.choice(
                ((160, 40, 40), (40, 80, 130), (220, 200, 150), (60, 110, 80), (230, 230, 225))
            ),
            16,
        )
        _shadow(canvas, (x, y - height, x + width, y), 6, 8)
        draw.rectangle((x, y - height, x + width, y), fill=cover)
        draw.rectangle((x + width - 20, y - height + 8, x + width - 4, y - 8), fill=(244, 238, 222))
        draw.rectangle(
            (x + 40, y - height * 0.65, x + width * 0.5, y - height * 0.4), fill=_shade(cover, 1.4)
        )
        y -= height
    mx, my = WIDTH * rng.uniform(0.7, 0.8), HEIGHT * rng.uniform(0.35, 0.6)
    _shadow(canvas, (mx - 120, my - 120, mx + 120, my + 120))
    _disc(canvas, (mx - 120, my - 120, mx + 120, my + 120), (240, 240, 236), (200, 200, 196))
    tea = rng.choice(((160, 100, 40), (110, 140, 60), (120, 70, 40)))
    _disc(canvas, (mx - 96, my - 96, mx + 96, my + 96), _shade(tea, 1.1), _shade(tea, 0.7))
    return _finish(rng, canvas)


# What each demo group photographs.
THEMES: dict[str, Callable[[random.Random], bytes]] = {
    "家常菜研究所": dish,
    "亲子烘焙": bread,
    "手冲咖啡": latte,
    "阳台种菜": planter,
    "宠物友好": dog,
    "晨跑俱乐部": path,
    "周末露营": path,
    "邻里读书会": books,
}

# Distinct pictures drawn per theme: drawing and resizing cost ~0.7 s each, so a few per theme
# are drawn and each member's upload of one is a copy stored under its own key.
PER_THEME = 3


@dataclass(frozen=True)
class _Drawn:
    processed: images.ProcessedImage
    renditions: list[images.Rendition]
    colour: str
    dhash: str


def _prepare(draw: Callable[[random.Random], bytes], seed: int) -> _Drawn:
    """Drawn, then what an upload goes through: re-encoded without metadata, renditions,
    average colour, perceptual hash."""
    rng = random.Random(seed)  # noqa: S311 -- demo pictures, not security
    processed = images.process_image(draw(rng))
    renditions, colour = images.make_renditions(processed)
    return _Drawn(processed, renditions, colour, dhash(processed.data))


# Drawn once per process, whichever module asks first: (theme, n) → the picture.
_DRAWN: dict[tuple[str, int], _Drawn] = {}


async def _picture(theme: str, n: int) -> _Drawn:
    if (theme, n) not in _DRAWN:
        seed = zlib.crc32(f"{theme}:{n}".encode())
        draw = THEMES.get(theme, dish)
        _DRAWN[theme, n] = await asyncio.to_thread(_prepare, draw, seed)
    return _DRAWN[theme, n]


@dataclass
class Album:
    """The demo's drawn pictures by theme (a group's name), stored as members' uploads."""

    storage: ImageStorage
    rng: random.Random
    _next: dict[str, int] = field(default_factory=dict)
    uploads: int = 0

    async def upload(self, owner_id: int, theme: str, at: datetime) -> Upload:
        """The next picture of ``theme``, stored as ``owner_id``'s upload made at ``at``."""
        turn = self._next.get(theme, self.rng.randrange(PER_THEME))
        self._next[theme] = turn + 1
        picture = await _picture(theme, turn % PER_THEME)
        processed = picture.processed
        key = new_key(processed.format)
        await self.storage.save(key, processed.data, processed.format.content_type)
        for rendition in picture.renditions:
            name = rendition_key(key, rendition.width, rendition.format)
            await self.storage.save(name, rendition.data, rendition.format.content_type)
        self.uploads += 1
        return await Upload.create(
            owner_id=owner_id,
            storage_key=key,
            content_type=processed.format.content_type,
            width=processed.width,
            height=processed.height,
            size_bytes=len(processed.data),
            dhash=picture.dhash,
            rendition_widths=sorted({r.width for r in picture.renditions}),
            average_color=picture.colour,
            created_at=at,
        )
