"""`safeplaces reminders send` end to end: a real SMTP server on the loopback receives them."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from smtp import Mailbox

from api.cli import EXIT_DATA, main
from api.settings import Settings
from geodata.datasets import load_datasets, open_users
from geodata.editor import PlaceEditor
from geodata.validation import PlaceChecker
from locator.accounts import Role, operator

DALES = "E07000035"
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(
    synthetic_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """The synthetic places, in a database of this test's own, as the command will read it."""
    url = f"sqlite:///{tmp_path / 'places.db'}"
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(synthetic_settings.data.dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(synthetic_settings.data.cache_dir))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", url)
    monkeypatch.setenv("SAFEPLACES_SERVER__PUBLIC_URL", "https://safeplaces.council.test")
    monkeypatch.setenv("SAFEPLACES_REMINDERS__SCHEME_NAME", "Testshire Safe Places")
    monkeypatch.setenv("SAFEPLACES_REMINDERS__REPLY_TO", "safeplaces@council.test")
    settings = synthetic_settings.model_copy(update={"database_url": url})
    datasets = load_datasets(settings)
    editor = PlaceEditor(datasets.store, PlaceChecker(datasets.gazetteer, datasets.area))
    today, admin = date.today(), operator()
    for row in editor.store.rows():
        checked = today - timedelta(days=10)
        editor.update(admin, row.id, {"last_checked": checked}, row.version)
    due = {
        "last_checked": today - timedelta(days=350),
        "contact_name": "Jo Reed",
        "contact_email": "jo.reed@library.example",
    }
    for place_id, fields in (
        ("S1", due),  # Matlock Library: due in 15 days, has a contact
        ("S2", {"last_checked": today - timedelta(days=400)}),  # Corner Café: overdue
    ):
        editor.update(admin, place_id, fields, editor.store.get(place_id).version)
    users = open_users(settings)
    users.create_user("ed@council.test", "Ed Dale", Role.EDITOR, PASSWORD, frozenset({DALES}))
    return settings


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(["reminders", *args], out=out), out.getvalue()


def test_reminders_reach_the_venue_and_the_areas_officer_once(
    settings: Settings, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in mailbox.environment().items():
        monkeypatch.setenv(name, value)
    code, out = _run("send", "--dry-run")
    assert code == 0 and out.startswith("Would send 2 reminders (nothing sent):")
    assert mailbox.messages == []

    code, out = _run("send")
    assert code == 0, out
    assert "Sent 2 reminders:" in out and "jo.reed@library.example: Matlock Library" in out
    venue = mailbox.wait_for("jo.reed@library.example")
    assert venue["Subject"].startswith("Testshire Safe Places: Matlock Library is due its")
    assert venue["Reply-To"] == "safeplaces@council.test"
    body = venue.get_content()
    assert "Dear Jo Reed," in body and "To arrange it, please reply to this email." in body
    due_on = date.today() + timedelta(days=15)
    assert f"{due_on.day} {due_on:%B %Y}" in body
    officer = mailbox.wait_for("ed@council.test")
    text = officer.get_content()
    assert "Corner Café" in text and "Derbyshire Dales" in text
    assert "https://safeplaces.council.test/staff/places" in text

    # Cron runs it again the next day: nothing new to say.
    assert _run("send") == (0, f"No reminders to send on {date.today():%d %B %Y}.\n")
    assert len(mailbox.messages) == 2


def test_without_a_mail_server_it_says_so_and_sends_nothing(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAFEPLACES_MAIL__HOST", raising=False)
    code, _ = _run("send")
    assert code == EXIT_DATA
    assert "can't send email yet" in capsys.readouterr().err
    # Nothing was recorded as sent: with mail set up, tomorrow's run still sends both.
    code, out = _run("send", "--dry-run")
    assert out.startswith("Would send 2 reminders")


def test_a_mail_server_that_is_down_is_reported_and_tried_again(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAFEPLACES_MAIL__HOST", "127.0.0.1")
    monkeypatch.setenv("SAFEPLACES_MAIL__PORT", "9")  # nothing listens on the discard port
    monkeypatch.setenv("SAFEPLACES_MAIL__SECURITY", "none")
    monkeypatch.setenv("SAFEPLACES_MAIL__FROM_ADDRESS", "safeplaces@council.test")
    code, _ = _run("send")
    err = capsys.readouterr().err
    assert code != 0 and "Could not send to jo.reed@library.example" in err
    assert "tried again on the next run" in err
    assert _run("send", "--dry-run")[1].startswith("Would send 2 reminders")
