"""In a real browser: the API documentation works under its strict CSP, and a staff page
opened without a session goes through the login form and back (its form posts carrying the
Origin the staff side checks)."""

from __future__ import annotations

import pytest
from browser.helpers import Browsing, LiveServer

from locator.accounts import Role

pytestmark = pytest.mark.browser

# Every CSP violation the page reports, whether or not the console shows it.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
"""


def _open(web: Browsing, server: LiveServer, path: str) -> str:
    web.page.add_init_script(RECORD_VIOLATIONS)
    response = web.page.goto(server.url(path), wait_until="load")
    assert response is not None and response.status == 200, path
    return str(response.headers["content-security-policy"])


def test_swagger_ui_renders_with_no_csp_violations(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    policy = _open(web, synthetic_server, "/docs")
    assert "script-src 'self' 'sha256-" in policy and "frame-ancestors 'none'" in policy
    web.page.locator(".swagger-ui .opblock").first.wait_for(state="visible")
    assert web.page.locator(".swagger-ui .opblock").count() > 10
    # The UI's own scripts work: an operation opens, and the spec came from /openapi.json.
    nearest = web.page.locator("#operations-search-nearestPlaces")
    nearest.locator(".opblock-summary").click()
    nearest.locator(".opblock-body").wait_for(state="visible")
    # The staff API's bearer scheme: Swagger UI offers to take a token.
    assert web.page.locator(".swagger-ui .btn.authorize").count() == 1
    assert web.page.evaluate("window.cspViolations") == []
    assert web.errors == []
    outside = [r.url for r in web.requests if not r.url.startswith(synthetic_server.base_url)]
    assert outside == []


def test_redoc_renders_and_only_its_outside_logo_is_refused(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    policy = _open(web, synthetic_server, "/redoc")
    assert "script-src 'self';" in policy  # no inline script on this page at all
    web.page.get_by_role("heading", name="Safe Places Locator").first.wait_for()
    web.page.get_by_text("/api/v1/places/nearest").first.wait_for(state="attached")
    # ReDoc's "API docs by Redocly" logo is on redoc.ly's CDN: the CSP keeps it out.
    violations = web.page.evaluate("window.cspViolations")
    assert all(v.startswith("img-src https://cdn.redoc.ly/") for v in violations), violations
    errors = [e for e in web.errors if "cdn.redoc.ly" not in e]
    assert errors == []


def test_a_staff_page_goes_through_the_login_form_and_back(
    web: Browsing, synthetic_server: LiveServer
) -> None:
    users = synthetic_server.app.state.users
    if not any(u.email == "back@council.gov.uk" for u in users.users()):
        users.create_user("back@council.gov.uk", "Back", Role.VIEWER, "correct horse battery")
    web.page.goto(synthetic_server.url("/staff/places/S1/history"), wait_until="load")
    assert web.page.url == synthetic_server.url(
        "/staff/login?next=%2Fstaff%2Fplaces%2FS1%2Fhistory"
    )
    web.page.fill("#email", "back@council.gov.uk")
    web.page.fill("#password", "correct horse battery")
    web.page.click("button[type=submit]")
    web.page.wait_for_url("**/staff/places/S1/history")
    assert "History" in web.page.locator("h1").inner_text()
    assert web.errors == []
