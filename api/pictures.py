"""The pictures beside the easy-read words: OpenMoji (CC BY-SA 4.0, from npm), served by the
app itself. A picture never stands alone: its words are beside it, so it has an empty alt.

`make install` puts the OpenMoji package in `node_modules/`; a deployment elsewhere runs
`npm ci` too, or points `SAFEPLACES_PAGES__PICTURES_DIR` at a copy of its `color/svg` folder.
Without it the pages still work: the words are all there.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from markupsafe import Markup

from locator.venues import Category

PICTURES_PATH = "/static/pictures"
DEFAULT_PICTURES_DIR = Path(__file__).resolve().parents[1] / "node_modules/openmoji/color/svg"

# Each idea the pages show, and the OpenMoji (Unicode) picture for it.
PICTURES = {
    "library": "1F4DA",  # books
    "pharmacy": "1F48A",  # pill
    "doctor": "1FA7A",  # stethoscope
    "shop": "1F6D2",  # shopping cart
    "cafe": "2615",  # hot drink
    "building": "1F3E2",  # office building
    "community": "1F3D8",  # houses
    "hospital": "1F3E5",
    "police": "1F46E",  # police officer
    "open": "2705",  # green tick
    "closed": "274C",  # red cross
    "unknown": "2753",  # question mark
    "walk": "1F6B6",  # person walking
    "phone": "1F4DE",  # telephone receiver
    "way": "1F5FA",  # map
    "more": "2139",  # information
    "help": "1F198",  # SOS
    "card": "1FAAA",  # identification card
    "question": "2753",
    "outside": "1F6D1",  # stop sign
    "home": "1F3E0",
    "speak": "1F50A",  # speaker, loud
    "pause": "23F8",
    "stop": "1F6D1",  # stop sign
}
CATEGORY_PICTURES = {
    Category.LIBRARY: "library",
    Category.PHARMACY: "pharmacy",
    Category.GP_SURGERY: "doctor",
    Category.SHOP: "shop",
    Category.CAFE: "cafe",
    Category.COUNCIL_OFFICE: "building",
    Category.COMMUNITY_CENTRE: "community",
    Category.HOSPITAL: "hospital",
    Category.POLICE_STATION: "police",
    Category.OTHER: "home",
}


@cache
def picture(idea: str, size: int = 40, extra_class: str = "", root: str = "") -> Markup:
    """An <img> of the idea's picture, sized so the layout doesn't jump while it loads
    (`root`: the path prefix the site is served under). Made once for each picture and size
    (a results page shows about forty)."""
    code = PICTURES[idea]
    classes = f"sp-pic {extra_class}".strip()
    return Markup(
        f'<img class="{classes}" src="{root}{PICTURES_PATH}/{code}.svg" alt="" '
        f'width="{size}" height="{size}" loading="lazy">'
    )
