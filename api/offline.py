"""The installable app: its manifest, its icon, and the service worker that keeps the help
pages on the phone so they open with no signal.

Only pages that are the same for everyone are kept: the home page, the hate-crime help, the
Keep Safe Card page and the no-signal page, with their styles, scripts and pictures. A
search, a place, the staff side and anything with a query string are never kept.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path

from api.pictures import PICTURES, PICTURES_PATH
from api.static import STATIC_DIR

APP_NAME = "Safe Places Locator"
SHORT_NAME = "Safe Places"
THEME_COLOUR = "#0b3d91"  # the site's --brand
ICON_SIZES = (192, 512)
ICON_PATH = "/icons/app-{size}.png"
SERVICE_WORKER_TEMPLATE = STATIC_DIR / "js" / "sw.js"
OFFLINE_PATH = "/offline"
# A page that takes longer than this on a weak signal gives way to its kept copy (or the
# no-signal page): long enough for a slow answer, short enough for someone who needs help.
NETWORK_WAIT_MS = 4000

# The pages a person may need with no signal, and what they show.
KEPT_PAGES = ("/", "/hate-crime", "/card", OFFLINE_PATH)
KEPT_FILES = (
    "/static/css/site.css",
    "/static/css/card.css",
    "/static/js/site.js",
    "/static/js/card.js",
    "/static/js/speech.js",
    "/static/js/kept.js",
    "/static/icons/icons.svg",
    "/manifest.webmanifest",
    *(ICON_PATH.format(size=size) for size in ICON_SIZES),
)


def manifest(root: str = "") -> dict[str, object]:
    """What a phone needs to put the site on its home screen as an app (`root`: the path
    prefix the site is served under)."""
    return {
        "name": APP_NAME,
        "short_name": SHORT_NAME,
        "description": "Find a Safe Place near you, and get help now.",
        "start_url": f"{root}/",
        "scope": f"{root}/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "lang": "en-GB",
        "icons": [
            {
                "src": root + ICON_PATH.format(size=size),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in ICON_SIZES
        ],
    }


def icon_png(size: int) -> bytes:
    """The app's icon: a white map pin on the site's blue, drawn here (no image files)."""
    brand, white = bytes.fromhex(THEME_COLOUR[1:]), b"\xff\xff\xff"
    cx, cy, outer, hole = size / 2, size * 0.42, size * 0.22, size * 0.09
    tip = size * 0.80  # the point of the pin, below its round head
    rows = []
    for y in range(size):
        row = bytearray(brand * size)
        for x0, x1 in _pin_spans(y + 0.5, cx, cy, outer, hole, tip):
            lo, hi = max(0, round(x0)), min(size, round(x1))
            row[lo * 3 : hi * 3] = white * max(0, hi - lo)
        rows.append(b"\x00" + bytes(row))
    return _png(size, b"".join(rows))


def _pin_spans(
    y: float, cx: float, cy: float, outer: float, hole: float, tip: float
) -> list[tuple[float, float]]:
    """The white runs of one row of the pin: its head (a ring) and its tapering point."""
    half = 0.0
    if abs(y - cy) < outer:
        half = (outer**2 - (y - cy) ** 2) ** 0.5
    if cy <= y <= tip:
        half = max(half, outer * (tip - y) / (tip - cy))
    if half <= 0:
        return []
    if abs(y - cy) < hole:
        inner = (hole**2 - (y - cy) ** 2) ** 0.5
        return [(cx - half, cx - inner), (cx + inner, cx + half)]
    return [(cx - half, cx + half)]


def _png(size: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"IDAT", zlib.compress(raw, 9)),
            chunk(b"IEND", b""),
        ]
    )


def app_version(release: str, contacts: str, files: Iterable[Path]) -> str:
    """A short fingerprint of this deployment: its release, the help numbers its pages show,
    and every template, style, script and picture it serves. A change to any of them gives
    the service worker a new cache, so the phone swaps the old help for the new at the next
    visit with signal."""
    digest = hashlib.sha256(release.encode() + b"\0" + contacts.encode())
    for path in sorted(files):
        digest.update(b"\0" + str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def served_files(folders: Iterable[Path], pictures: Path) -> list[Path]:
    """The files the fingerprint covers: all of the folders, and the pictures the pages use
    (not the whole picture library, which is thousands of files)."""
    found = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    return found + [p for p in kept_pictures(pictures) if p.is_file()]


def kept_pictures(pictures: Path) -> list[Path]:
    return sorted({pictures / f"{code}.svg" for code in PICTURES.values()})


def service_worker(version: str, pictures: Path | None, root: str = "") -> str:
    """The worker's script: its template with this deployment's cache name and kept files
    (with the pictures, when the deployment has them); `root`, the path prefix the site is
    served under, before each of them."""
    kept = [*KEPT_PAGES, *KEPT_FILES]
    if pictures is not None:
        kept += [f"{PICTURES_PATH}/{p.name}" for p in kept_pictures(pictures) if p.is_file()]
    return (
        SERVICE_WORKER_TEMPLATE.read_text()
        .replace("__CACHE_NAME__", json.dumps(f"safeplaces-help-{version}"))
        .replace("__PAGES__", json.dumps([root + p for p in KEPT_PAGES]))
        .replace("__KEPT__", json.dumps([root + p for p in kept]))
        .replace("__OFFLINE__", json.dumps(root + OFFLINE_PATH))
        .replace("__ROOT__", json.dumps(root))
        .replace("__WAIT_MS__", json.dumps(NETWORK_WAIT_MS))
    )
