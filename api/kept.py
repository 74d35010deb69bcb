"""The words of a results list that "Keep these places on my phone" keeps: what a person needs
to find and phone a place with no signal (no map, no tiles).

The results page carries them as JSON that is never run; the page's script keeps them in the
browser only when the box is ticked. The server never sees them again.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from api.pictures import PICTURES, PICTURES_PATH
from api.views import PlaceView


def kept_words(
    places: Sequence[PlaceView], police: PlaceView | None, typed: str | None
) -> dict[str, object]:
    """Where the list was found, and its numbered places then the police station ("P"), as
    the list on the page reads.

    Parameters
    ----------
    typed
        The postcode or place name searched for; None for a search from the phone's location,
        which is kept as "where you were" (never as a position).
    """
    return {
        "where": typed.strip() if typed and typed.strip() else "where you were",
        "places": [_words(p) for p in [*places, *([police] if police else [])]],
    }


def kept_json(places: Sequence[PlaceView], police: PlaceView | None, typed: str | None) -> Markup:
    """`kept_words` as the page carries them: JSON safe inside a <script>, as the template's
    `tojson` writes it (keys sorted; <, >, & and ' as Unicode escapes)."""
    return htmlsafe_json_dumps(kept_words(places, police, typed), sort_keys=True)


def _words(p: PlaceView) -> dict[str, object]:
    distance = f"{p.walk} ({p.miles})" if p.walk and p.miles else (p.walk or p.distance or "")
    return {
        "number": p.number,
        "name": p.name,
        "what": p.category_label,
        # The picture of its kind: one of the pictures the phone keeps for no signal.
        "pic": f"{PICTURES_PATH}/{PICTURES[p.pic]}.svg",
        "distance": distance,
        "opening": p.opening,
        "address": ", ".join(part for part in (p.address, p.postcode) if part),
        "phones": [{"shown": shown, "tel": tel} for shown, tel in p.phones],
    }
