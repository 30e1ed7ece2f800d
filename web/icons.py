"""The web app's icons, drawn here so that no image comes from elsewhere: a white house with a
red door on linli's red. `python -m web.icons` writes them into web/static/icons/ (committed);
a test checks the files are what this draws.

Plain PNG (RGBA, zlib), 2×2 supersampled edges; the maskable icon fills the square and keeps
the house inside the 80 % safe circle that launchers may cut to."""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

RED = (0xB3, 0x26, 0x1E)
WHITE = (0xFF, 0xFF, 0xFF)
ICONS = {"icon-192.png": (192, False), "icon-512.png": (512, False),
         "icon-maskable-512.png": (512, True)}
FOLDER = Path(__file__).parent / "static" / "icons"
CORNER = 0.22  # the plain icon's rounded corners, as a share of its side
SAMPLES = ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))


def _house(x: float, y: float) -> bool:
    """Whether (x, y), in 0..1 of the icon, is white: roof, walls, but not the door."""
    roof = 0.18 <= y <= 0.5 and abs(x - 0.5) <= (y - 0.18) / 0.32 * 0.34
    walls = 0.27 <= x <= 0.73 and 0.48 <= y <= 0.8
    door = 0.43 <= x <= 0.57 and 0.6 <= y <= 0.8
    return (roof or walls) and not door


def _in_rounded_square(x: float, y: float) -> bool:
    cx = min(max(x, CORNER), 1 - CORNER)
    cy = min(max(y, CORNER), 1 - CORNER)
    return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER ** 2


def _sample(x: float, y: float, maskable: bool) -> tuple[int, int, int, int]:
    if maskable:  # the house drawn smaller, around the middle
        x, y = 0.5 + (x - 0.5) / 0.8, 0.5 + (y - 0.5) / 0.8
    elif not _in_rounded_square(x, y):
        return (0, 0, 0, 0)
    return (*(WHITE if _house(x, y) else RED), 255)


def _pixel(px: int, py: int, size: int, maskable: bool) -> bytes:
    samples = [_sample((px + dx) / size, (py + dy) / size, maskable) for dx, dy in SAMPLES]
    alpha = sum(s[3] for s in samples)
    if alpha == 0:
        return b"\0\0\0\0"
    colour = [round(sum(s[i] * s[3] for s in samples) / alpha) for i in range(3)]
    return bytes((*colour, round(alpha / len(samples))))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def icon_png(size: int, maskable: bool) -> bytes:
    rows = b"".join(b"\0" + b"".join(_pixel(x, y, size, maskable) for x in range(size))
                    for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b""))


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        (FOLDER / name).write_bytes(icon_png(size, maskable))
        print(f"wrote {FOLDER / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
