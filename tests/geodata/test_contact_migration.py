"""Migration 0012: phones stored before it become E.164, emails their normal form; a value
that doesn't read is kept as it was and listed for an officer, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from geodata.dashboard import dashboard
from geodata.engine import MIGRATIONS, make_engine
from geodata.place_list import PlaceQuery, select
from geodata.quality import places_table, unusable_contact
from geodata.rows import MetaRow, PlaceRow
from geodata.store import PlaceStore

# As the earlier code let staff and imports store them: typed, spaced any way.
OLD = {
    "A": {"phone": "01629 533400", "email": "Matlock.Library@DERBYSHIRE.GOV.UK"},
    "B": {"phone": "0044 1629 533400 ext 12", "contact_phone": "07911 123456"},
    "C": {"phone": "101 (non-emergency) / 999 (emergency)", "contact_email": "jo@cafe.org.uk"},
    "D": {"phone": "0999999999", "email": "library at derbyshire"},
    "E": {"phone": "ask at the desk", "contact_email": "Jo@Cafe.Org.UK"},
    "F": {"phone": None, "email": None},
}
NEW = {
    "A": {"phone": "+441629533400", "email": "Matlock.Library@derbyshire.gov.uk"},
    "B": {"phone": "+441629533400;ext=12", "contact_phone": "+447911123456"},
    "C": {"phone": "101 (non-emergency) / 999 (emergency)", "contact_email": "jo@cafe.org.uk"},
    # Not real: kept exactly as they were.
    "D": {"phone": "0999999999", "email": "library at derbyshire"},
    "E": {"phone": "ask at the desk", "contact_email": "Jo@cafe.org.uk"},
    "F": {"phone": None, "email": None},
}


def _alembic(engine: Engine, action: str, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, target)


def _old_database(url: str) -> Engine:
    """A database as 0011 left it, with places saved by the earlier code."""
    engine = make_engine(url, writer=True)
    _alembic(engine, "upgrade", "0011")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session, session.begin():
        for ref, contact in OLD.items():
            session.add(
                PlaceRow(
                    id=f"S{ref}",
                    name=f"Place {ref}",
                    kind="safe_place",
                    category="library",
                    address="",
                    postcode="DE4 3AG",
                    latitude=53.14,
                    longitude=-1.55,
                    location_precision="postcode",
                    status="active",
                    verified=True,
                    local_authority_code="E07000035",
                    last_checked=date(2026, 11, 1),
                    version=3,
                    created_at=when,
                    updated_at=when,
                    **contact,
                )  # fmt: skip
            )
        session.add(MetaRow(key="data_version", value="7"))
    return engine


def _contacts(engine: Engine) -> dict[str, dict[str, str | None]]:
    with engine.connect() as c:
        rows = c.execute(
            text("SELECT id, phone, email, contact_phone, contact_email, version FROM places")
        ).mappings()
        return {r["id"][1:]: dict(r) for r in rows}


def test_stored_contacts_are_rewritten_and_bad_ones_kept_and_listed(database_url: str) -> None:
    engine = _old_database(database_url)
    _alembic(engine, "upgrade", "head")
    found = _contacts(engine)
    for ref, wanted in NEW.items():
        assert {k: found[ref][k] for k in wanted} == wanted, ref
        assert found[ref]["version"] == 3  # the same numbers: no new version, no history
    store = PlaceStore(engine)
    assert store.data_version() == 8  # every worker reads the places again
    assert all(store.history(f"S{ref}") == [] for ref in OLD)

    # The staff dashboard counts the places kept as typed, and links to exactly those.
    number = dashboard(store, date(2026, 12, 2)).numbers["fix_contact"]
    assert number.count == 2
    listed = select(store.rows(), PlaceQuery.from_params(number.query.params()), date.today())
    assert [r.id for r in listed.places] == ["SD", "SE"]
    # The quality report says why each is wrong.
    issues = unusable_contact(places_table(store.rows())).set_index("id")["reason"]
    assert list(issues.index) == ["SD", "SE"]
    assert 'Phone: "0999999999" is not a real UK phone number' in issues["SD"]
    assert 'Email: "library at derbyshire" is not an email address' in issues["SD"]
    assert 'Phone: "ask at the desk" has letters in it' in issues["SE"]
    engine.dispose()


def test_running_it_again_changes_nothing_and_downgrading_keeps_every_number(
    database_url: str,
) -> None:
    engine = _old_database(database_url)
    _alembic(engine, "upgrade", "head")
    _alembic(engine, "downgrade", "0011")
    down = _contacts(engine)
    # Written back as dialled in the UK, the form the earlier code showed; kept ones as kept.
    assert down["A"]["phone"] == "01629 533400"
    assert down["B"]["phone"] == "01629 533400 ext. 12"
    assert down["B"]["contact_phone"] == "07911 123456"
    assert down["D"]["phone"] == "0999999999" and down["E"]["phone"] == "ask at the desk"
    _alembic(engine, "upgrade", "head")
    again = _contacts(engine)
    assert {ref: {k: again[ref][k] for k in NEW[ref]} for ref in NEW} == NEW
    engine.dispose()


@pytest.mark.parametrize("value", ["01629 533400", "+441629533400"])
def test_a_place_page_shows_the_number_the_same_before_and_after(value: str) -> None:
    from locator.contact_details import phone_links, shown_phones

    assert shown_phones(value) == "01629 533400"
    assert phone_links(value) == [("01629 533400", "tel:+44-1629-533400")]
