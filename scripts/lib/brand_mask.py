"""Coverage masks for the brand images of scripts/lib/draw_brand.py, and their compositing.

Shapes are drawn as coverage masks at ``SUPERSAMPLE`` times the final resolution and
reduced with a box filter, which gives clean anti-aliased edges.
"""

from collections.abc import Sequence
import itertools
import math

from PIL import Image, ImageChops, ImageDraw

SUPERSAMPLE = 4

type RGB = tuple[int, int, int]
type Point = tuple[float, float]


class Mask:
    """A coverage mask (mode ``L``) drawn in design units at supersampled resolution.

    ``unit`` is the size of one design unit in final-image pixels; ``origin`` is where
    the design origin lies, in final-image pixels. Drawing happens at ``SUPERSAMPLE``
    times that resolution.
    """

    def __init__(
        self, size: tuple[int, int], unit: float, origin: Point = (0.0, 0.0)
    ) -> None:
        """Create an empty mask for a final image of ``size`` pixels."""
        self.size = size
        self.unit = unit
        self.origin = origin
        self._scale = unit * SUPERSAMPLE
        self._origin = (origin[0] * SUPERSAMPLE, origin[1] * SUPERSAMPLE)
        self.image = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)

    def blank(self) -> Mask:
        """Return an empty mask with the same size, unit and origin."""
        return Mask(self.size, self.unit, self.origin)

    def _xy(self, point: Point) -> Point:
        return (
            self._origin[0] + point[0] * self._scale,
            self._origin[1] + point[1] * self._scale,
        )

    def _len(self, length: float) -> float:
        return length * self._scale

    def _draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    def disc(self, center: Point, radius: float, fill: int = 255) -> None:
        """Fill a circle."""
        cx, cy = self._xy(center)
        r = self._len(radius)
        self._draw().ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)

    def ring(self, center: Point, outer: float, inner: float) -> None:
        """Fill an annulus; what is already drawn inside it stays."""
        ring = self.blank()
        ring.disc(center, outer)
        ring.disc(center, inner, fill=0)
        self.add(ring)

    def rect(self, left: float, top: float, right: float, bottom: float) -> None:
        """Fill an axis-aligned rectangle."""
        x0, y0 = self._xy((left, top))
        x1, y1 = self._xy((right, bottom))
        self._draw().rectangle((x0, y0, x1, y1), fill=255)

    def polygon(self, points: Sequence[Point], fill: int = 255) -> None:
        """Fill a polygon."""
        self._draw().polygon([self._xy(p) for p in points], fill=fill)

    def stroke(
        self, points: Sequence[Point], width: float, *, closed: bool = False
    ) -> None:
        """Stroke a polyline with round joins and round caps."""
        pts = [*points, points[0]] if closed else list(points)
        half = width / 2
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            length = math.hypot(x1 - x0, y1 - y0)
            if length == 0:
                continue
            nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half
            self.polygon(
                [
                    (x0 + nx, y0 + ny),
                    (x1 + nx, y1 + ny),
                    (x1 - nx, y1 - ny),
                    (x0 - nx, y0 - ny),
                ]
            )
        for point in pts:
            self.disc(point, half)

    def add(self, other: Mask) -> None:
        """Union with another mask."""
        self.image = ImageChops.lighter(self.image, other.image)

    def cut(self, other: Mask) -> None:
        """Remove the area covered by another mask."""
        self.image = ImageChops.subtract(self.image, other.image)

    def clip(self, other: Mask) -> None:
        """Keep only the area covered by another mask."""
        self.image = ImageChops.multiply(self.image, other.image)

    def reduced(self) -> Image.Image:
        """Return the mask at final resolution (box-filtered)."""
        return self.image.reduce(SUPERSAMPLE)


def compose(size: tuple[int, int], layers: Sequence[tuple[RGB, Mask]]) -> Image.Image:
    """Paint flat colours through their masks, bottom layer first, onto transparency."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    for color, mask in layers:
        paint = Image.new("RGBA", size, (*color, 255))
        paint.putalpha(mask.reduced())
        image = Image.alpha_composite(image, paint)
    return image
