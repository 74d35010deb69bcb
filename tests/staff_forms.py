"""Filling in the staff pages' forms in tests: the CSRF token, logging in, uploading."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

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


def login(client: TestClient, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    form = client.get("/staff/login", headers=HTML)
    return client.post(
        "/staff/login",
        data={"email": "ann@council.gov.uk", "password": password, "csrf_token": csrf(form.text)},
        headers=HTML,
    )


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
