"""The soak's imports: an export of the places (`safeplaces export`, before the soak) changed as
an officer would in a spreadsheet, plus new places, uploaded through the staff pages
(log in, upload, confirm, each with its CSRF token) while the readers and editors run."""

from __future__ import annotations

import asyncio
import csv
import re
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

from bench.soak_clients import Recorder

# New places come from the GP practices and pharmacies that could be asked to join.
_CATEGORIES = {"gp_practice": "gp_surgery", "pharmacy": "pharmacy"}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_CONFIRM = re.compile(r'action="/staff/import/([A-Za-z0-9_.-]+)/confirm"')
_DIGEST = re.compile(r'name="plan_digest" value="([^"]*)"')
_APPLIED = re.compile(r"Imported: (\d+) place")
ATTEMPTS = 5


@dataclass
class ImportRun:
    """One import: what its file sets, and what the service answered."""

    number: int
    file: Path
    expected: dict[str, dict[str, str]]  # external_ref: {field: value the file sets}
    added: list[str]  # external refs of the new places
    status: str = "not run"
    started_at: float = 0.0  # seconds into the soak
    seconds: float = 0.0
    applied: int = 0
    retries_412: int = 0
    steps: list[str] = field(default_factory=list)
    # Seconds into the soak: the last preview shown, and its confirm sent.
    previewed_at: float = 0.0
    confirmed_at: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "applied"


def build_import(
    export: Path,
    candidates: Path,
    folder: Path,
    number: int,
    today: date,
    new_places: int,
    edited: Collection[str] = (),
) -> ImportRun:
    """The export with every third place's accessibility note (and check date) changed, and
    `new_places` new places from the candidates file: a yearly-check spreadsheet.

    The places the editors change (`edited`, external refs) are left out. The file would put
    back their values as at the export, which the confirm rightly refuses as places changed
    since the preview; at several edits a second, no preview would ever stay current."""
    with export.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = [row for row in reader if row["external_ref"] not in edited]
    expected: dict[str, dict[str, str]] = {}
    for i, row in enumerate(rows):
        if i % 3 == number % 3:
            note = f"Step-free entrance; ask at the counter for a quiet room (check {number + 1})."
            row["accessibility_notes"] = note
            row["last_checked"] = today.isoformat()
            expected[row["external_ref"]] = {"accessibility_notes": note}
    with candidates.open(newline="", encoding="utf-8") as f:
        fresh = list(csv.DictReader(f))[number * new_places : (number + 1) * new_places]
    added = []
    for c in fresh:
        added.append(c["candidate_id"])
        new = dict.fromkeys(header, "") | {
            "external_ref": c["candidate_id"],
            "name": c["name"].title(),
            "kind": "safe_place",
            "category": _CATEGORIES.get(c["venue_type"], "other"),
            "address": c["address"].title(),
            "postcode": c["postcode"],
            "phone": c["phone"],
            "last_checked": today.isoformat(),
        }
        rows.append(new)
    path = folder / f"import-{number + 1}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return ImportRun(number + 1, path, expected, added)


class StaffPages:
    """A person at the staff pages: a session cookie, the form's CSRF token, and the Origin
    header a browser sends on every form post."""

    def __init__(
        self, client: httpx.AsyncClient, rec: Recorder, origin: str, reading_s: float
    ) -> None:
        self.client = client
        self.rec = rec
        self.reading_s = reading_s  # how long the person reads the preview before confirming
        self.post_headers = {"Origin": origin, "Accept": "text/html"}
        self.csrf = ""
        self.digest = ""  # the plan the preview showed, sent back with the confirm

    async def login(self, email: str, password: str) -> str | None:
        """None when logged in, else what went wrong."""
        form = await self.rec.request(self.client, "staff-login", "GET", "/staff/login")
        token = _CSRF.search(form.text) if form is not None else None
        if token is None:
            return "no login form"
        data = {"email": email, "password": password, "csrf_token": token.group(1)}
        sent = await self.rec.request(
            self.client, "staff-login", "POST", "/staff/login", data=data, headers=self.post_headers
        )
        if sent is None or sent.status_code != 303:
            return f"login answered {sent.status_code if sent is not None else 'nothing'}"
        return None

    async def upload(self, path: Path) -> tuple[int, str | None]:
        """The preview: its status and the upload to confirm (None when there is none)."""
        page = await self.rec.request(self.client, "staff-import-page", "GET", "/staff/import")
        token = _CSRF.search(page.text) if page is not None else None
        if token is None:
            return (page.status_code if page is not None else 0), None
        self.csrf = token.group(1)
        sent = await self.rec.request(
            self.client,
            "import-upload",
            "POST",
            "/staff/import",
            data={"csrf_token": self.csrf},
            files={"file": (path.name, path.read_bytes(), "text/csv")},
            headers=self.post_headers,
        )
        if sent is None:
            return 0, None
        found = _CONFIRM.search(sent.text)
        digest = _DIGEST.search(sent.text)
        self.digest = digest.group(1) if digest else ""
        return sent.status_code, (found.group(1) if found else None)

    async def confirm(self, upload_id: str) -> httpx.Response | None:
        return await self.rec.request(
            self.client,
            "import-confirm",
            "POST",
            f"/staff/import/{upload_id}/confirm",
            data={"csrf_token": self.csrf, "plan_digest": self.digest},
            headers=self.post_headers,
        )


async def run_import(pages: StaffPages, run: ImportRun) -> None:
    """Upload, read the preview, confirm; a place changed meanwhile (412) means upload again
    and confirm the new preview, as the page asks. Staff take a moment to read the preview,
    and the editors carry on meanwhile."""
    for _ in range(ATTEMPTS):
        status, upload_id = await pages.upload(run.file)
        run.steps.append(f"upload {status}")
        if status != 200 or upload_id is None:
            run.status = f"the upload answered {status}"
            return
        run.previewed_at = pages.rec.now()
        await asyncio.sleep(pages.reading_s)
        run.confirmed_at = pages.rec.now()
        done = await pages.confirm(upload_id)
        code = done.status_code if done is not None else 0
        run.steps.append(f"confirm {code}")
        if code in (409, 412):  # places changed since the preview: look at the new one
            run.retries_412 += 1
            continue
        applied = _APPLIED.search(done.text) if done is not None and code == 200 else None
        if applied is None:
            run.status = f"the confirm answered {code}"
            return
        run.applied = int(applied.group(1))
        run.status = "applied"
        return
    run.status = f"still stale after {ATTEMPTS} tries"


async def importer(
    pages: StaffPages, email: str, password: str, runs: list[ImportRun], starts: list[float]
) -> None:
    """Log in at the start, then run each import at its time (perf_counter seconds)."""
    problem = await pages.login(email, password)
    for run, at in zip(runs, starts, strict=True):
        if problem:
            run.status = problem
            continue
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        run.started_at = pages.rec.now()
        start = time.perf_counter()
        await run_import(pages, run)
        run.seconds = time.perf_counter() - start
