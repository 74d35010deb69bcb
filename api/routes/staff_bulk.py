"""Changing many places at once from the staff list: "checked today", suspend (with a reason)
and restore. The list's ticked places come here, or every place its filters match (a list
longer than a page); a page says what will happen, naming any place this account can't
change, and only "Yes" changes anything: the places named on that page, and no others.

The changes themselves are the place editor's (`PlaceEditor.mark_checked_many`,
`set_status_many`): the places allowed change together, the others are named, never skipped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.auth import STAFF_PATH, StaffPage, posted_form
from api.deps import EditorDep
from api.errors import status_of
from api.html import render
from geodata.editor import ManyDone, PlaceEditor
from geodata.place_list import PlaceQuery
from geodata.users import StaffSession
from locator.errors import InvalidParameter, PlaceInvalid, StorageUnavailable
from locator.venues import Status

router = APIRouter(prefix=STAFF_PATH, include_in_schema=False)

# At most this many places in one change: a page of the list is 100 by default.
MOST = 2000


@dataclass(frozen=True, slots=True)
class BulkAction:
    key: str
    question: str  # "Mark {n} as checked today?"
    button: str
    done: str  # "{n} marked as checked today"
    status: Status | None = None  # None: the yearly check
    explain: str = ""  # what it means for the public

    def words(self, template: str, count: int) -> str:
        return template.format(n=f"{count} place" if count == 1 else f"{count} places")


ACTIONS = {
    a.key: a
    for a in (
        BulkAction(
            "checked",
            "Mark {n} as checked today?",
            "Yes, mark them checked today",
            "{n} marked as checked today.",
        ),
        BulkAction(
            "suspend",
            "Suspend {n}?",
            "Yes, suspend them",
            "{n} suspended: the public can't see them now.",
            Status.SUSPENDED,
            "The public won't see them until they are restored.",
        ),
        BulkAction(
            "restore",
            "Restore {n}?",
            "Yes, restore them",
            "{n} restored: the public can see them again.",
            Status.ACTIVE,
            "The public will see them again.",
        ),
    )
}


@router.post("/places/bulk", response_class=HTMLResponse)
async def bulk(request: Request, staff: StaffPage, editor: EditorDep) -> HTMLResponse:
    """Ask first (what will change, and what can't); change on "Yes"."""
    posted = await posted_form(request, staff)
    ticked = [str(i) for i in dict.fromkeys((await request.form()).getlist("place"))]
    # Reading every place the filters match, and changing up to MOST in one transaction, wait
    # on the database: in the thread pool, so that public searches carry on meanwhile.
    return await run_in_threadpool(_bulk, request, staff, editor, posted, ticked)


def _bulk(
    request: Request,
    staff: StaffSession,
    editor: PlaceEditor,
    posted: dict[str, str],
    ticked: list[str],
) -> HTMLResponse:
    action = ACTIONS.get(posted.get("action", ""))
    if action is None:
        raise InvalidParameter("Choose what to do: checked today, suspend or restore.")
    every = posted.get("scope") == "all"  # every place the list's filters match
    if every:
        ids = _matching(editor, posted.get("match", ""))
    else:
        ids = ticked
    if len(ids) > MOST:
        more = " Add a filter, such as the area." if every else ""
        raise InvalidParameter(f"Choose at most {MOST} places at a time.{more}")
    back = _back(posted.get("back", ""))
    reason = posted.get("reason", "")
    page = _Page(request, staff, editor, action, ids, back, reason)
    if not ids:
        if every:
            return page.show(error="No places match the list's filters now. Go back to the list.")
        return page.show(error="You didn't choose any places. Go back and tick the ones to change.")
    if posted.get("confirm") != "yes" or every:
        # "Yes" comes from the page that names the places, and acts on those named.
        return page.show()
    try:
        if action.status is None:
            result = editor.mark_checked_many(staff.user, page.ids)
        else:
            result = editor.set_status_many(staff.user, page.ids, action.status, page.reason)
    except (PlaceInvalid, StorageUnavailable) as exc:
        return page.show(error=exc.user_message, status_code=status_of(exc))
    return page.show(result=result)


@dataclass
class _Page:
    request: Request
    staff: StaffSession
    editor: PlaceEditor
    action: BulkAction
    ids: list[str]
    back: str
    reason: str

    def show(
        self, error: str | None = None, result: ManyDone | None = None, status_code: int = 200
    ) -> HTMLResponse:
        """Before: the places that would change and those that can't. After: what did."""
        if result is not None:
            allowed, refused = result.done, result.refused
        else:
            ids, refused = self.editor.sort_out(self.staff.user, self.ids)
            allowed = [self.editor.store.get(i) for i in ids]
        wording = self.action.done if result is not None else self.action.question
        context = {
            "staff": self.staff,
            "action": self.action,
            "heading": self.action.words(wording, len(allowed)),
            "allowed": allowed,
            "refused": refused,
            "error": error,
            "done": result is not None,
            "back": self.back,
            "reason": self.reason,
        }
        if error is not None and status_code == 200:
            status_code = 422
        return render(self.request, "staff/bulk.html", context, status_code=status_code)


def _matching(editor: PlaceEditor, match: str) -> list[str]:
    """Every place the list's filters (its query string, as the list wrote it) let through,
    in the list's order: what "all that match" chose, as the list showed them."""
    if len(match) > 2000:
        raise InvalidParameter("The list's filters are too long to read. Go back and try again.")
    query = PlaceQuery.from_params(dict(parse_qsl(match)))
    return [row.id for row in editor.list_places(query, date.today()).places]


def _back(text: str) -> str:
    """The list this came from (its filters and page), if it is our own staff list."""
    local = text.startswith(f"{STAFF_PATH}/places") and "//" not in text and "\\" not in text
    return text if local and text.isprintable() and len(text) <= 2000 else f"{STAFF_PATH}/places"
