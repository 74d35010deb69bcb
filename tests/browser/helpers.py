"""Helpers shared by the browser tests: the live server, one browsing session, the pages to
visit, axe-core, keyboard focus and the Keep Safe Card."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, Locator, Page, Request, ViewportSize

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"  # var/ is gitignored
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 320, "height": 640}
PHONE: ViewportSize = {"width": 360, "height": 740}  # a cheap Android phone
LAPTOP: ViewportSize = {"width": 1366, "height": 768}

# Every public page and state, on the synthetic data (tests/synthetic.py).
PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    ("results", "/find?q=DE4%203AG"),
    ("outside-area", "/find?lat=51.5&lon=-0.14"),
    ("unknown-place", "/find?q=hello"),
    ("unknown-postcode", "/find?q=SW1A%201AA"),
    ("empty-search", "/find?q="),
    ("ambiguous-name", "/find?q=Newton"),
    ("place", "/places/S1"),
    ("hate-crime", "/hate-crime"),
    ("card", "/card"),
    ("no-signal", "/offline"),
    ("privacy", "/privacy"),
    ("about", "/about"),
    ("not-found", "/nowhere"),
]


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    app: FastAPI

    def url(self, path: str) -> str:
        return self.base_url + path


@dataclass
class TileStub:
    """The stand-in tile server: `/tiles/{z}/{x}/{y}.png` and a neutral `/neutral` page."""

    port: int
    paths: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tile_url(self) -> str:
        return f"{self.origin}/tiles/{{z}}/{{x}}/{{y}}.png"

    @property
    def neutral_url(self) -> str:
        return f"{self.origin}/neutral"


@dataclass
class Browsing:
    """One fresh browser context and page, with every request and script error recorded."""

    context: BrowserContext
    page: Page
    requests: list[Request] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, server: LiveServer, path: str) -> None:
        response = self.page.goto(server.url(path), wait_until="load")
        assert response is not None, path
        wait_for_map(self.page)


# Makes a fresh context and page: `open_browsing(viewport)`.
BrowsingFactory = Callable[..., Browsing]


def wait_for_map(page: Page) -> None:
    """On a page with a map, wait until its markers are drawn and its tiles have loaded."""
    if page.locator(".leaflet-container").count() == 0:
        return
    page.locator(".leaflet-marker-icon").first.wait_for(state="visible")
    page.wait_for_function(
        """() => {
            const tiles = document.querySelectorAll('.leaflet-tile-container img');
            return tiles.length > 0 && [...tiles].every(t => t.complete);
        }"""
    )


# --- axe-core --------------------------------------------------------------------------------

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def axe_violations(page: Page, within: str | None = None) -> list[dict[str, Any]]:
    """axe-core's WCAG A and AA violations on the page, or only within one CSS selector."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
    }
    result = AXE.run(page, context=within, options=options)
    violations: list[dict[str, Any]] = result.response["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Each violation's id, impact and help, and the targets of the nodes that fail it."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = " >> ".join(str(t) for t in node["target"])
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def assert_no_violations(web: Browsing, state: str, within: str | None = None) -> None:
    """axe finds nothing on the page (or within a selector); `state` names it in a failure."""
    violations = axe_violations(web.page, within)
    assert not violations, (
        f"{state}: {len(violations)} accessibility rule(s) fail:\n"
        + describe_violations(violations)
    )


# --- Keyboard focus --------------------------------------------------------------------------


@dataclass(frozen=True)
class Focus:
    """What has keyboard focus, as a person (or a test) would tell it apart."""

    tag: str
    id: str
    classes: str
    name: str
    href: str
    role: str

    def has_class(self, name: str) -> bool:
        return name in self.classes.split()

    def __str__(self) -> str:
        cls = "." + ".".join(self.classes.split()) if self.classes else ""
        return f"<{self.tag}{cls}> {self.name!r}"


_ACTIVE = """() => {
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    const cls = typeof e.className === 'string' ? e.className : '';
    const text = (e.getAttribute('aria-label') || e.innerText || e.value || '').trim();
    return {tag: e.tagName.toLowerCase(), id: e.id, classes: cls,
            name: text.replace(/\\s+/g, ' ').slice(0, 100),
            href: e.getAttribute('href') || '', role: e.getAttribute('role') || ''};
}"""


def active(page: Page) -> Focus | None:
    found = page.evaluate(_ACTIVE)
    return Focus(**found) if found else None


def focus_matches(page: Page, selector: str) -> bool:
    return bool(
        page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )
    )


def tab_to(
    page: Page,
    wanted: str | Callable[[Focus], bool],
    limit: int,
    trail: list[Focus] | None = None,
) -> int:
    """Press Tab until the focus is on `wanted` (a CSS selector, or a test of the focused
    element); how many presses it took. Fails, showing where the focus went, after `limit`."""
    seen = trail if trail is not None else []
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focus = active(page)
        if focus is not None:
            seen.append(focus)
        if isinstance(wanted, str):
            if focus_matches(page, wanted):
                return presses
        elif focus is not None and wanted(focus):
            return presses
    route = "\n".join(f"  {i}. {f}" for i, f in enumerate(seen[-limit:], start=1))
    pytest.fail(f"{wanted} not reached after {limit} presses of Tab; focus went:\n{route}")


def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline or a ring (WCAG 2.4.7)."""
    return bool(
        page.evaluate(
            """() => {
                const s = getComputedStyle(document.activeElement);
                const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
                return outline || (s.boxShadow && s.boxShadow !== 'none');
            }"""
        )
    )


# --- The Keep Safe Card (another developer is adding it) --------------------------------------


def card_exists() -> bool:
    """The Keep Safe Card panel exists once its script does."""
    return (PROJECT_ROOT / "api" / "static" / "js" / "card.js").is_file()


needs_card = pytest.mark.skipif(not card_exists(), reason="the Keep Safe Card is not built yet")

# The card is on the results page.
CARD_PATH = "/find?q=DE4%203AG"
CARD_NAME = "Zebedee Quuxworth"
CARD_CONTACT = "Auntie Xanthippe"
CARD_PHONE = "07700 900123"
CARD_KEY = "safeplaces.card"
SHOW_CARD = re.compile(r"^show my (keep safe )?card$", re.I)
FORGET_CARD = re.compile(r"^forget my (keep safe )?card$", re.I)
REMEMBER_CARD = re.compile(r"^remember my card", re.I)


def card_field(page: Page, label: str) -> Locator:
    """A field of the card panel, by its visible label ("Your name", "Their phone number")."""
    return page.locator("#keep-safe-card").get_by_label(label, exact=True)


def fill_card(page: Page) -> None:
    card_field(page, "Your name").fill(CARD_NAME)
    card_field(page, "Their name").fill(CARD_CONTACT)
    card_field(page, "Their phone number").fill(CARD_PHONE)


def card_dialog(page: Page) -> Locator:
    """The full-screen card, by its role and name."""
    return page.get_by_role("dialog", name=re.compile("keep safe card", re.I))
