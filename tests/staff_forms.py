"""Filling in the staff pages' forms in tests: the CSRF token, logging in, uploading."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from locator.accounts import Role

PASSWORD = "correct horse battery"
HTML = {"accept": "text/html"}
# What a browser sends with every form post on this site (TestClient's host is "testserver"):
# staff clients send it by default, as the staff side refuses changes without it.
OWN_ORIGIN = {"origin": "http://testserver"}


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def confirm_form(preview_html: str) -> dict[str, str]:
    """The import preview's "Import these changes" form: its CSRF token, and the digest of
    the plan the person saw (a confirm whose plan has changed since imports nothing)."""
    digest = re.search(r'name="plan_digest" value="([^"]*)"', preview_html)
    assert digest is not None
    return {"csrf_token": csrf(preview_html), "plan_digest": digest.group(1)}


def sent_to_login(r) -> bool:  # type: ignore[no-untyped-def]
    """A staff page without a session sends the browser to log in (and back here after)."""
    return r.status_code == 303 and r.headers["location"].startswith("/staff/login?next=")


def login(  # type: ignore[no-untyped-def]
    client: TestClient, password: str = PASSWORD, email: str = "ann@council.gov.uk"
):
    form = client.get("/staff/login", headers=HTML)
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": csrf(form.text)},
        headers=HTML,
    )


def as_editor(client: TestClient) -> TestClient:
    """The client logged in as Ed, a new editor for Derbyshire Dales."""
    users = client.app.state.users  # type: ignore[attr-defined]
    users.create_user("ed@council.gov.uk", "Ed", Role.EDITOR, PASSWORD, frozenset({"E07000035"}))
    login(client, email="ed@council.gov.uk")
    return client


def upload(client: TestClient, text: str | bytes, name: str = "venues.csv"):  # type: ignore[no-untyped-def]
    """Upload a file on the import page: text (sent as UTF-8) or the bytes of a file."""
    page = client.get("/staff/import", headers=HTML)
    content = text.encode() if isinstance(text, str) else text
    return client.post(
        "/staff/import",
        data={"csrf_token": csrf(page.text)},
        files={"file": (name, content, "application/octet-stream")},
        headers=HTML,
    )


class _Form(HTMLParser):
    """The fields of one form on a page, as a browser would send them unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.select: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action)
        elif self.inside and tag == "input" and a.get("name"):
            # A radio button or a tick box is sent only when it is chosen.
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.fields[a["name"]] = a.get("value", "")
        elif self.inside and tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select, "")
        elif self.inside and tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_fields(html: str, action: str) -> dict[str, str]:
    """What the form whose action ends with `action` would send as it is on the page."""
    parser = _Form(action)
    parser.feed(html)
    assert parser.fields, f"no form for {action}"
    return parser.fields


def form_action(html: str, ending: str) -> str:
    """The address of the form whose action ends with `ending` ("/confirm", "/preview")."""
    found = re.search(rf'action="(/staff/import/[^"]+{re.escape(ending)})"', html)
    assert found is not None, f"no {ending} form"
    return found.group(1)
