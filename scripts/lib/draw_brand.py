"""Draw the Podero brand images for Home Assistant from code.

Home Assistant (2026.3+) shows the images in ``custom_components/podero/brand/``: the
icon (256 px, 512 px for ``@2x``), a landscape logo with the wordmark, and ``dark_``
variants for dark themes. Everything is plain geometry drawn with Pillow, the letters
of the wordmark included, so the output does not depend on installed fonts and is the
same on every run.

The mark is a capital P drawn as one rounded line in the outline of a house. The P's
bowl closes with a dip, a day's electricity price curve, and an amber dot rests at its
lowest, cheapest point: the hours Podero moves the heat pump, the car or the battery to.

Shapes are drawn as coverage masks (scripts/lib/brand_mask.py) and composed in flat colours.

Run ``scripts/draw-brand`` (or this file with the project's Python) to rewrite them.
"""

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
import math
from pathlib import Path
import sys

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
# Imported as scripts.lib.*: the module names mypy gives these files (mypy_path ".").
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.lib.brand_mask import RGB, Mask, Point, compose  # noqa: E402

ICON_SIZE = 256
LOGO_HEIGHT = 256
DEFAULT_OUT_DIR = ROOT / "custom_components" / "podero" / "brand"


@dataclass(frozen=True, slots=True)
class Palette:
    """Colours of one theme variant."""

    mark: RGB
    """The house-shaped P."""
    accent: RGB
    """The dot at the cheapest point."""
    wordmark: RGB
    """The letters of the logo."""


LIGHT = Palette(mark=(12, 92, 99), accent=(255, 171, 25), wordmark=(16, 52, 64))
DARK = Palette(mark=(94, 214, 190), accent=(255, 184, 48), wordmark=(238, 246, 244))


# --- The mark -------------------------------------------------------------------------
# A capital P drawn as one rounded line in the shape of a house: the stem is the left
# wall, the bowl is the roof and the right wall, and the bowl closes with a dip, the
# day's price curve, in which an amber dot rests at the cheapest point.
# Designed on a 100 x 100 square.

MARK_SIZE = 100.0
LINE = 12.5
"""Width of the P's line, round caps and joins."""
WALL_LEFT = 21.0
WALL_RIGHT = 79.0
APEX = 9.25
EAVES = 37.0
BOWL_BOTTOM = 60.0
"""Where the bowl meets the stem and the right wall."""
DIP = 11.0
"""Depth of the price curve below BOWL_BOTTOM."""
FOOT = 90.75
DOT_RADIUS = 10.0
DOT_GAP = 3.5


def price_curve(t: float) -> Point:
    """Return the point at ``t`` of the dip (0 at the right wall, 1 at the stem)."""
    x = WALL_RIGHT + (WALL_LEFT - WALL_RIGHT) * t
    return (x, BOWL_BOTTOM + DIP * math.sin(math.pi * t) ** 2)


def mark_outline() -> list[Point]:
    """Return the P as one polyline: stem, roof, right wall, then the dip."""
    ridge = (WALL_LEFT + WALL_RIGHT) / 2
    points: list[Point] = [
        (WALL_LEFT, FOOT),
        (WALL_LEFT, EAVES),
        (ridge, APEX),
        (WALL_RIGHT, EAVES),
    ]
    steps = 120
    points.extend(price_curve(i / steps) for i in range(steps + 1))
    return points


def dot_center() -> Point:
    """Return the centre of the dot resting in the dip."""
    x, y = price_curve(0.5)
    return (x, y - LINE / 2 - DOT_GAP - DOT_RADIUS)


def mark_layers(
    size: tuple[int, int], unit: float, origin: Point, palette: Palette
) -> list[tuple[RGB, Mask]]:
    """Return the mark's colour layers at ``unit`` pixels per unit, from ``origin``."""
    line = Mask(size, unit, origin)
    line.stroke(mark_outline(), LINE)
    dot = line.blank()
    dot.disc(dot_center(), DOT_RADIUS)
    return [(palette.mark, line), (palette.accent, dot)]


def render_icon(size: int, palette: Palette) -> Image.Image:
    """Render the square icon at ``size`` x ``size`` pixels."""
    dims = (size, size)
    return compose(dims, mark_layers(dims, size / MARK_SIZE, (0.0, 0.0), palette))


# --- The wordmark ---------------------------------------------------------------------
# Geometric letters on a cap height of 100 units; y grows downwards from the cap line
# and the baseline is at y = 100. Each glyph draws itself at an x offset and returns its
# advance.

CAP = 100.0
X_HEIGHT = 70.0
STEM = 16.0
OVERSHOOT = 1.5
BOWL_R = X_HEIGHT / 2 + OVERSHOOT
BOWL_CY = CAP - X_HEIGHT / 2
LETTER_GAP = 9.0

type Glyph = Callable[[Mask, float], float]


def _sector(
    mask: Mask, center: Point, start_deg: float, end_deg: float, reach: float
) -> Mask:
    """Return a mask of the circular sector from ``start_deg`` to ``end_deg``.

    Angles are in degrees, clockwise from 3 o'clock (y grows downwards), like Pillow's.
    """
    steps = max(2, math.ceil(abs(end_deg - start_deg) / 5))
    points = [center]
    for i in range(steps + 1):
        a = math.radians(start_deg + (end_deg - start_deg) * i / steps)
        points.append(
            (center[0] + reach * math.cos(a), center[1] + reach * math.sin(a))
        )
    sector = mask.blank()
    sector.polygon(points)
    return sector


def _glyph_p(mask: Mask, x: float) -> float:
    bowl_h = 60.0
    r = bowl_h / 2
    bar_end = x + 26.0
    mask.rect(x, 0.0, x + STEM, CAP)
    mask.rect(x, 0.0, bar_end, STEM)
    mask.rect(x, bowl_h - STEM, bar_end, bowl_h)
    bowl = mask.blank()
    bowl.ring((bar_end, r), r, r - STEM)
    bowl.clip(_sector(mask, (bar_end, r), -90.0, 90.0, 2 * r))
    mask.add(bowl)
    return bar_end + r - x


def _glyph_o(mask: Mask, x: float) -> float:
    mask.ring((x + BOWL_R, BOWL_CY), BOWL_R, BOWL_R - STEM)
    return 2 * BOWL_R


def _glyph_d(mask: Mask, x: float) -> float:
    mask.ring((x + BOWL_R, BOWL_CY), BOWL_R, BOWL_R - STEM)
    right = x + 2 * BOWL_R
    # The stem's outer edge covers the bowl's overshoot.
    mask.rect(right - STEM, 0.0, right + 0.25, CAP)
    return 2 * BOWL_R


def _glyph_e(mask: Mask, x: float) -> float:
    center = (x + BOWL_R, BOWL_CY)
    bar = STEM * 0.9
    bowl = mask.blank()
    bowl.ring(center, BOWL_R, BOWL_R - STEM)
    # Open the bowl from the crossbar down to a terminal cut 40 degrees below it.
    bowl.cut(_sector(mask, center, 0.0, 40.0, 2 * BOWL_R))
    mask.add(bowl)
    crossbar = mask.blank()
    crossbar.rect(x, BOWL_CY - bar / 2, x + 2 * BOWL_R, BOWL_CY + bar / 2)
    outline = mask.blank()
    outline.disc(center, BOWL_R)
    crossbar.clip(outline)
    mask.add(crossbar)
    return 2 * BOWL_R


def _glyph_r(mask: Mask, x: float) -> float:
    top = CAP - X_HEIGHT
    r = 30.0
    center = (x + r, top + r)
    mask.rect(x, top, x + STEM, CAP)
    # A square shoulder: the quarter above the stem is solid except for the arm's
    # round counter, and the arm goes on to a terminal 40 degrees past 12 o'clock.
    arm = mask.blank()
    arm.rect(x, top, x + r, top + r)
    arc = mask.blank()
    arc.ring(center, r, r - STEM * 0.95)
    arc.clip(_sector(mask, center, 270.0, 310.0, 2 * r))
    arm.add(arc)
    counter = mask.blank()
    counter.disc(center, r - STEM * 0.95)
    arm.cut(counter)
    mask.add(arm)
    return r + r * math.cos(math.radians(50.0))


WORD: tuple[tuple[Glyph, float], ...] = (
    # (glyph, space added to LETTER_GAP before the next glyph, in units)
    (_glyph_p, 1.0),
    (_glyph_o, 0.0),
    (_glyph_d, 0.0),
    (_glyph_e, 0.0),
    (_glyph_r, -1.0),
    (_glyph_o, 0.0),
)


def wordmark_width() -> float:
    """Return the width of the wordmark in units."""
    probe = Mask((1, 1), 1.0)
    x = 0.0
    for index, (glyph, extra) in enumerate(WORD):
        x += glyph(probe, x)
        if index < len(WORD) - 1:
            x += LETTER_GAP + extra
    return x


def draw_wordmark(mask: Mask) -> None:
    """Draw the wordmark with its cap line at y = 0 and its left edge at x = 0."""
    x = 0.0
    for glyph, extra in WORD:
        x += glyph(mask, x) + LETTER_GAP + extra


# --- The logo -------------------------------------------------------------------------
# The mark at full height, trimmed to its ink, then the wordmark with its cap height
# centred on the mark.

MARK_LEFT = WALL_LEFT - LINE / 2
MARK_RIGHT = WALL_RIGHT + LINE / 2
WORD_CAP_RATIO = 0.42
"""Cap height of the wordmark relative to the logo height."""
MARK_WORD_GAP = 0.16
"""Space between mark and wordmark relative to the logo height."""
WORD_CENTER = 0.5
"""Vertical centre of the wordmark's cap height relative to the logo height."""
EDGE = 0.01
"""Room left of the mark and right of the wordmark, relative to the logo height."""


def _word_left(height: float) -> float:
    return height * (EDGE + (MARK_RIGHT - MARK_LEFT) / MARK_SIZE + MARK_WORD_GAP)


def logo_width(height: int) -> int:
    """Return the width in pixels of a logo ``height`` pixels high."""
    word = wordmark_width() * height * WORD_CAP_RATIO / CAP
    return math.ceil(_word_left(height) + word + height * EDGE)


def render_logo(height: int, palette: Palette, factor: int = 1) -> Image.Image:
    """Render the landscape logo ``height`` pixels high, times ``factor`` (``@2x``).

    The width is computed at the base height and multiplied, so that ``@2x`` is exactly
    twice the size of ``1x``.
    """
    dims = (logo_width(height) * factor, height * factor)
    px = float(dims[1])
    unit = px / MARK_SIZE
    layers = mark_layers(dims, unit, (px * EDGE - MARK_LEFT * unit, 0.0), palette)
    word_unit = px * WORD_CAP_RATIO / CAP
    word_top = px * WORD_CENTER - CAP * word_unit / 2
    word = Mask(dims, word_unit, (_word_left(px), word_top))
    draw_wordmark(word)
    return compose(dims, [*layers, (palette.wordmark, word)])


# --- Output ---------------------------------------------------------------------------


def render_all() -> dict[str, Image.Image]:
    """Render every brand image, keyed by file name."""
    images: dict[str, Image.Image] = {}
    for prefix, palette in (("", LIGHT), ("dark_", DARK)):
        for suffix, factor in (("", 1), ("@2x", 2)):
            images[f"{prefix}icon{suffix}.png"] = render_icon(
                ICON_SIZE * factor, palette
            )
            images[f"{prefix}logo{suffix}.png"] = render_logo(
                LOGO_HEIGHT, palette, factor
            )
    return images


def write_all(out_dir: Path) -> list[Path]:
    """Write every brand image into ``out_dir`` and return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, image in sorted(render_all().items()):
        path = out_dir / name
        image.save(path, format="PNG", optimize=True)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help="directory to write the PNG files to (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    for path in write_all(args.out_dir):
        with Image.open(path) as image:
            size = f"{image.width}x{image.height}"
            print(f"{path}  {size} {image.mode}  {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
