"""Tests for the brand images in custom_components/podero/brand/.

The images are drawn by scripts/lib/draw_brand.py; these tests check that the committed
files meet Home Assistant's image rules and that they are exactly what the script draws,
so nobody edits the PNGs by hand or changes the script without redrawing them.
"""

from collections.abc import Iterator
import importlib.util
from pathlib import Path
import sys
from types import ModuleType

from PIL import Image
import pytest

ROOT = Path(__file__).resolve().parents[1]
BRAND_DIR = ROOT / "custom_components" / "podero" / "brand"
DRAW_BRAND = ROOT / "scripts" / "lib" / "draw_brand.py"

ICONS = {
    "icon.png": 256,
    "icon@2x.png": 512,
    "dark_icon.png": 256,
    "dark_icon@2x.png": 512,
}
LOGOS = ("logo.png", "dark_logo.png")
ALL_FILES = {*ICONS, *LOGOS, *(name.replace(".png", "@2x.png") for name in LOGOS)}


def _open(path: Path) -> Image.Image:
    with Image.open(path) as image:
        assert image.format == "PNG"
        image.load()
        return image


@pytest.fixture(scope="module")
def draw_brand() -> Iterator[ModuleType]:
    """Import the drawing script as a module (it is not part of a package)."""
    name = "podero_draw_brand"
    spec = importlib.util.spec_from_file_location(name, DRAW_BRAND)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]


@pytest.fixture(scope="module")
def redrawn(draw_brand: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the drawing code into a fresh directory and return it."""
    out_dir = tmp_path_factory.mktemp("brand")
    draw_brand.write_all(out_dir)
    return out_dir


def test_committed_files() -> None:
    """Exactly the expected images are committed."""
    assert {path.name for path in BRAND_DIR.iterdir()} == ALL_FILES


@pytest.mark.parametrize(("name", "size"), sorted(ICONS.items()))
def test_icon(name: str, size: int) -> None:
    """Icons are square RGBA PNGs of 256 px (512 px for @2x) on transparency."""
    image = _open(BRAND_DIR / name)
    assert image.mode == "RGBA"
    assert image.size == (size, size)
    alpha = image.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0
    assert alpha.getpixel((size - 1, size - 1)) == 0
    assert alpha.getextrema() == (0, 255)
    # Trimmed: the artwork reaches close to the top and bottom edges.
    bbox = alpha.getbbox()
    assert bbox is not None
    assert bbox[1] <= size * 0.05
    assert bbox[3] >= size * 0.95


@pytest.mark.parametrize("name", LOGOS)
def test_logo(name: str) -> None:
    """Logos are landscape RGBA PNGs, shortest side 128-256 px (doubled for @2x)."""
    logo = _open(BRAND_DIR / name)
    logo_2x = _open(BRAND_DIR / name.replace(".png", "@2x.png"))
    for image, factor in ((logo, 1), (logo_2x, 2)):
        assert image.mode == "RGBA"
        assert image.width > image.height
        assert 128 * factor <= image.height <= 256 * factor
        assert image.getchannel("A").getpixel((0, 0)) == 0
    assert logo_2x.size == (logo.width * 2, logo.height * 2)


def test_dark_variants_differ() -> None:
    """The dark variants are recoloured, not copies of the light images."""
    for name in ("icon.png", "logo.png"):
        light = _open(BRAND_DIR / name)
        dark = _open(BRAND_DIR / f"dark_{name}")
        assert light.size == dark.size
        assert light.tobytes() != dark.tobytes()


def test_files_are_small() -> None:
    """The PNGs are compressed (flat artwork compresses well)."""
    for name in ALL_FILES:
        assert (BRAND_DIR / name).stat().st_size < 64 * 1024, name


@pytest.mark.parametrize("name", sorted(ALL_FILES))
def test_committed_images_match_the_script(redrawn: Path, name: str) -> None:
    """Redrawing reproduces every committed image pixel for pixel.

    If this fails after a change to scripts/lib/draw_brand.py, run scripts/draw-brand
    and commit the new images.
    """
    committed = _open(BRAND_DIR / name)
    fresh = _open(redrawn / name)
    assert (fresh.mode, fresh.size) == (committed.mode, committed.size)
    assert fresh.tobytes() == committed.tobytes()


def test_redrawn_set_is_complete(redrawn: Path) -> None:
    """The script writes exactly the committed set of files."""
    assert {path.name for path in redrawn.iterdir()} == ALL_FILES
