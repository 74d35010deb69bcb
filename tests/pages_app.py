"""The public pages' app for HTTP tests: the synthetic data, a fixed clock (a Tuesday
morning) and a contacts file of another area's numbers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_now
from api.settings import PagesSettings, Settings
from locator.hours import LONDON

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # a Tuesday morning
HTML = {"accept": "text/html"}
# The hate-crime page's list, in the same file: another area's numbers and links.
REPORT_CONTACTS = """
[[hate_crime]]
group = "emergency"
name = "Testshire emergency"
number = "999"
say = "Call if you are in danger now."
[[hate_crime]]
group = "non_emergency"
name = "Testshire Police"
number = "0300 000 0101"
[[hate_crime]]
group = "online"
name = "Testshire online form"
url = "https://report.example.org/hate"
link_text = "Report it online"
[[hate_crime]]
group = "deaf"
name = "Testshire text relay"
number = "18001 0300 000 0101"
"""


def pages_client(
    synthetic_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    contacts = tmp_path_factory.mktemp("conf") / "contacts.toml"
    contacts.write_text(
        '[[contacts]]\nname = "Emergency"\nnumber = "999"\n'
        '[[contacts]]\nname = "Testshire Hate Crime Line"\nnumber = "0800 000 1234"\n'
        + REPORT_CONTACTS
    )
    settings = synthetic_settings.model_copy(
        update={
            "pages": PagesSettings(
                tile_url="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png", contacts_file=contacts
            )
        }
    )
    app = create_app(settings)
    app.dependency_overrides[get_now] = lambda: NOW
    with TestClient(app) as c:
        yield c
