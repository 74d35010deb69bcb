"""The import page under bad files and big bodies: a plain 422 or 413, never a 500; an upload
refused from its Content-Length before the body is read, or cut off once a chunked body
passes the limit; and var/uploads holding a file only between a preview and its confirm."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from live import serve
from staff_forms import HTML, OWN_ORIGIN, PASSWORD, confirm_form, csrf, upload

from api.app import create_app
from api.settings import Settings
from locator.accounts import Role

GOOD = "external_ref,name,category,postcode\nIMP-1,Dale Road Chemist,pharmacy,DE4 3AG\n"
TOO_BIG = "The file is too big (at most 5 MB)."


def _uploads(client: TestClient) -> Path:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return settings.data.cache_dir.parent / "uploads"


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _form_action(page: str, action: str) -> str:
    found = re.search(rf'action="(/staff/import/[^"]+/{action})"', page)
    assert found is not None, page
    return found.group(1)


def test_the_page_states_the_limits(editor: TestClient) -> None:
    page = editor.get("/staff/import", headers=HTML)
    assert "The file can be at most 5 MB, with at most 20,000 rows" in page.text


BAD = {
    "random.gpkg": (os.urandom(32 * 1024), "This file is not a GeoPackage we can read: it is not"),
    "deep.geojson": (b"[" * 100_000 + b"]" * 100_000, "it is nested too deeply."),
    "place.geojson": (b'{"type": "Point", "coordinates": [0, 0]}', "it is a Point, not a"),
    "binary.csv": (os.urandom(8 * 1024) + b"\x00", "This file is not a CSV file we can read"),
    "noheader.csv": (b"S1,Matlock Library,library,DE4 3AH\n", "This CSV file has no header row"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_file_is_a_422_that_says_why(editor: TestClient, name: str) -> None:
    content, words = BAD[name]
    page = editor.get("/staff/import", headers=HTML)
    answer = editor.post(
        "/staff/import",
        data={"csrf_token": csrf(page.text)},
        files={"file": (name, content)},
        headers=HTML,
    )
    assert answer.status_code == 422
    assert words in answer.text and "There is a problem" in answer.text
    assert _left(_uploads(editor)) == []


def test_a_file_over_the_row_limit_is_refused_saying_the_limit(editor: TestClient) -> None:
    rows = "".join(f"R{i},Shop,shop,DE4 3AG\n" for i in range(20_001))
    answer = upload(editor, "external_ref,name,category,postcode\n" + rows)
    assert answer.status_code == 422
    assert "This file has more than 20,000 rows: import at most 20,000 places" in answer.text
    assert _left(_uploads(editor)) == []


def test_an_upload_is_kept_only_until_it_is_confirmed_or_cancelled(editor: TestClient) -> None:
    folder = _uploads(editor)
    preview = upload(editor, GOOD)
    assert preview.status_code == 200 and "Cancel this import" in preview.text
    assert len(_left(folder)) == 1
    cancel = _form_action(preview.text, "cancel")
    gone = editor.post(cancel, data={"csrf_token": csrf(preview.text)}, headers=HTML)
    assert gone.status_code == 200 and "Import cancelled. Nothing was imported." in gone.text
    assert _left(folder) == []
    late = editor.post(
        cancel.replace("/cancel", "/confirm"), data=confirm_form(preview.text), headers=HTML
    )
    assert late.status_code == 404 and "That upload has gone" in late.text
    # Cancelling needs the form's CSRF token, like every staff form.
    preview = upload(editor, GOOD)
    refused = editor.post(_form_action(preview.text, "cancel"), data={}, headers=HTML)
    assert refused.status_code == 403 and len(_left(folder)) == 1
    done = editor.post(
        _form_action(preview.text, "confirm"), data=confirm_form(preview.text), headers=HTML
    )
    assert "Imported: 1 place added or updated." in done.text
    assert _left(folder) == []
    # Nothing to change: no confirm button, and nothing kept.
    same = upload(editor, GOOD)
    assert "1 place unchanged" in same.text and "Cancel this import" not in same.text
    assert _left(folder) == []
    # Rows with errors: no confirm button; the file waits (to match its columns again) until
    # it is cancelled.
    bad = upload(editor, GOOD + "IMP-2,Far Away Shop,shop,ZZ9 9ZZ\n")
    assert bad.status_code == 422 and "Row 3 (IMP-2)" in bad.text
    assert "Import these changes" not in bad.text and len(_left(folder)) == 1
    editor.post(_form_action(bad.text, "cancel"), data={"csrf_token": csrf(bad.text)})
    assert _left(folder) == []


@pytest.fixture
def fresh_settings(synthetic_settings: Settings, tmp_path: Path) -> Settings:
    """The synthetic data with an uploads folder (and database) of this test's own."""
    data = synthetic_settings.data.model_copy(update={"cache_dir": tmp_path / "cache"})
    return synthetic_settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'places.db'}", "data": data}
    )


def _aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"external_ref\n")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_old_uploads_are_swept_at_start_and_when_a_file_arrives(fresh_settings: Settings) -> None:
    folder = fresh_settings.data.cache_dir.parent / "uploads"
    folder.mkdir(parents=True)
    _aged(folder / "abandoned-before-restart.csv", 2 * 3600)
    recent = _aged(folder / "someone-else-previewing.csv", 60)
    app = create_app(fresh_settings)
    with TestClient(app, follow_redirects=False, headers=OWN_ORIGIN) as client:
        assert _left(folder) == [recent.name]  # swept at start; a recent one waits
        app.state.users.create_user("ed@council.gov.uk", "Ed", Role.ADMIN, PASSWORD)
        form = client.get("/staff/login", headers=HTML)
        client.post(
            "/staff/login",
            data={
                "email": "ed@council.gov.uk",
                "password": PASSWORD,
                "csrf_token": csrf(form.text),
            },
            headers=HTML,
        )
        _aged(recent, 2 * 3600)  # an hour and more later, a new file arrives
        upload(client, "not,a,known,header\n1,2,3,4\n")
        assert _left(folder) == []


# -- big bodies, sent to a real server -------------------------------------------------------


@pytest.fixture
def live(fresh_settings: Settings) -> Iterator[tuple[str, httpx.Client]]:
    """The app under uvicorn, and an importer logged in to it."""
    app = create_app(fresh_settings)
    with serve(app) as base_url:
        app.state.users.create_user("ed@council.gov.uk", "Ed", Role.ADMIN, PASSWORD)
        staff = httpx.Client(base_url=base_url, headers=HTML | {"origin": base_url}, timeout=30)
        form = staff.get("/staff/login")
        staff.post(
            "/staff/login",
            data={
                "email": "ed@council.gov.uk",
                "password": PASSWORD,
                "csrf_token": csrf(form.text),
            },
        )
        yield base_url, staff


def _raw_post(
    base_url: str, staff: httpx.Client, length_header: str
) -> tuple[socket.socket, bytes]:
    """A socket with the headers of a multipart upload sent, and the start of its body."""
    token = csrf(staff.get("/staff/import").text)
    cookies = "; ".join(f"{k}={v}" for k, v in staff.cookies.items())
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    head = (
        "POST /staff/import HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nOrigin: {base_url}\r\nCookie: {cookies}\r\nAccept: text/html\r\n"
        "Content-Type: multipart/form-data; boundary=BOUNDARY\r\n"
        f"{length_header}\r\n\r\n"
    )
    sock.sendall(head.encode())
    return sock, (
        f'--BOUNDARY\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        '--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nexternal_ref,name,category,postcode\n"
    ).encode()


def _answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:  # closed with some of what we sent unread: as it should
        pass
    return received


def test_a_content_length_over_the_limit_is_refused_before_the_body_is_read(
    live: tuple[str, httpx.Client], fresh_settings: Settings
) -> None:
    base_url, staff = live
    sock, start = _raw_post(base_url, staff, "Content-Length: 200000000")
    with sock:
        sock.sendall(start)  # a few hundred bytes of the 200 MB it says are coming
        answer = _answer(sock)  # the answer comes, and the connection ends, without them
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert TOO_BIG.encode() in answer
    assert _left(fresh_settings.data.cache_dir.parent / "uploads") == []


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(
    live: tuple[str, httpx.Client], fresh_settings: Settings
) -> None:
    base_url, staff = live
    sock, start = _raw_post(base_url, staff, "Transfer-Encoding: chunked")
    sent = 0
    offered = 60_000_000  # far more than the server and both sockets' buffers could hold
    row = b"R1,Shop,shop,DE4 3AG\n" * 3000
    chunk = b"%x\r\n%s\r\n" % (len(row), row)

    def send_until_refused() -> None:
        nonlocal sent
        try:
            sock.sendall(b"%x\r\n%s\r\n" % (len(start), start))
            while sent < offered:
                sock.sendall(chunk)
                sent += len(row)
        except OSError:  # the server answered and closed the connection
            pass

    sender = threading.Thread(target=send_until_refused, daemon=True)
    with sock:
        sender.start()
        answer = _answer(sock)
        sender.join(timeout=30)
    assert answer.startswith(b"HTTP/1.1 413 ") and TOO_BIG.encode() in answer
    assert 5_000_000 < sent < offered / 2, sent  # cut off, not read to the end
    assert _left(fresh_settings.data.cache_dir.parent / "uploads") == []
