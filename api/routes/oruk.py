"""The Open Referral UK feed (HSDS 3.0, UK profile), read only, under /oruk.

Service directories read the active places as ORUK services, locations and
service_at_locations, with the feed's own taxonomy of place types. The records are made in
`locator.oruk`, the lists filtered and paged in `locator.oruk_feed`; a postcode search is
the locator's own (`locator.search.find_origin`, then `Locator.nearest`). A parameter an
address doesn't take is a 400, a bad value a 422, an unknown id a 404: problem+json.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.conditional import PUBLIC, conditional_route
from api.deps import LocatorDep, ResolverDep, SettingsDep
from api.links import public_link
from api.openapi import problems
from api.oruk_schemas import (
    OrukMeta,
    OrukOrganizationPage,
    OrukOrganizationServices,
    OrukService,
    OrukServiceAtLocation,
    OrukServiceAtLocationPage,
    OrukServicePage,
    OrukTaxonomy,
    OrukTaxonomyPage,
    OrukTaxonomyTerm,
    OrukTaxonomyTermPage,
)
from api.route_rules import KnownParamsRoute, NoStoreRoute
from locator import oruk
from locator.errors import InvalidParameter, PlaceNotFound
from locator.origin import Choices
from locator.oruk_feed import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    Catalogue,
    Catalogues,
    ServiceQuery,
    near,
    page_of,
    parse_clock,
    parse_day,
)
from locator.search import SearchRequest, find_origin

PROFILE = "https://github.com/OpenReferralUK/uk-profile"
VERSION = "HSDS-UK-3.0"


# A parameter a route does not take is refused by name (400), as across the JSON API. The
# feed follows the place data: its answers carry an ETag and Last-Modified (304s). A list
# near a postcode says where someone is: kept by no cache (`NoStoreRoute`, below).
router = APIRouter(
    prefix="/oruk", tags=["oruk"], route_class=conditional_route(KnownParamsRoute, PUBLIC)
)
_LIST_PROBLEMS = problems(400, 422)
_ONE_PROBLEMS = problems(400, 404)
_ANSWER: dict[str, Any] = {"response_model_exclude_none": True}


async def get_catalogue(request: Request, locator: LocatorDep) -> Catalogue:
    """The feed over the live index, made once per data version: in the thread pool, as with
    a million places it takes seconds, and no other request waits for it."""
    catalogues: Catalogues = request.app.state.oruk_catalogues
    kept = catalogues.kept(locator.index)
    return kept if kept is not None else await run_in_threadpool(catalogues.of, locator.index)


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
Page = Annotated[int, Query(ge=1, description="The page wanted, from 1.")]
PerPage = Annotated[
    int, Query(ge=1, le=MAX_PER_PAGE, description=f"Items on a page, 1 to {MAX_PER_PAGE}.")
]
Text = Annotated[str | None, Query(max_length=200)]
Age = Annotated[float | None, Query(ge=0, le=150, description="Every place welcomes all ages.")]


def _query(
    search: Text = None,
    taxonomy_term_id: Text = None,
    taxonomy_id: Text = None,
    minimum_age: Age = None,
    maximum_age: Age = None,
    start_time: Annotated[str | None, Query(max_length=8, examples=["09:00"])] = None,
    end_time: Annotated[str | None, Query(max_length=8, examples=["17:00"])] = None,
    day: Annotated[str | None, Query(max_length=9, examples=["MO"])] = None,
) -> ServiceQuery:
    """The profile's list filters, read into one query."""
    return ServiceQuery(
        search=search.strip() or None if search is not None else None,
        taxonomy_term_id=taxonomy_term_id.strip().lower() if taxonomy_term_id else None,
        taxonomy_id=taxonomy_id.strip().lower() if taxonomy_id else None,
        day=parse_day(day) if day is not None else None,
        start_time=parse_clock(start_time, "start_time") if start_time is not None else None,
        end_time=parse_clock(end_time, "end_time") if end_time is not None else None,
    )


QueryDep = Annotated[ServiceQuery, Depends(_query)]


@router.get("", response_model=OrukMeta, responses=problems(400))
@router.get("/", response_model=OrukMeta, include_in_schema=False)
def meta(request: Request) -> OrukMeta:
    """Which HSDS version and profile this feed follows, and where its OpenAPI document is."""
    return OrukMeta(
        version=VERSION, profile=PROFILE, openapi_url=public_link(request, "/openapi.json")
    )


@router.get("/services", response_model=OrukServicePage, responses=_LIST_PROBLEMS, **_ANSWER)
def services(
    catalogue: CatalogueDep,
    settings: SettingsDep,
    query: QueryDep,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> dict[str, object]:
    """The services (one per active place), by name: their own fields and organisation."""
    found = page_of(catalogue.select(query), page, per_page)
    publisher = settings.oruk.publisher()
    return found.envelope([oruk.service_summary(v, publisher) for v in found.items])


@router.get("/services/{id}", response_model=OrukService, responses=_ONE_PROBLEMS, **_ANSWER)
def service(id: str, catalogue: CatalogueDep, settings: SettingsDep) -> dict[str, object]:
    """One service with everything about it: schedules, location, contact, taxonomy terms."""
    venue = catalogue.by_service_id(id)
    if venue is None:
        raise _not_found("service")
    return oruk.service(venue, settings.oruk.publisher())


# Routed at the end of the module: an answer near a postcode is kept by no cache.
def service_at_locations(
    catalogue: CatalogueDep,
    locator: LocatorDep,
    resolver: ResolverDep,
    settings: SettingsDep,
    query: QueryDep,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    postcode: Annotated[
        str | None,
        Query(max_length=20, description="Nearest first from here", examples=["DE4 3AG"]),
    ] = None,
    proximity: Annotated[
        float | None,
        Query(gt=0, description="Only within this many metres of the postcode", examples=[2000]),
    ] = None,
) -> dict[str, object]:
    """Each place's service at its location; with a postcode, nearest first (within
    `proximity` metres, if given)."""
    if postcode is None:
        if proximity is not None:
            raise InvalidParameter("Please give a postcode to measure the proximity from.")
        venues = catalogue.select(query)
    else:
        origin = find_origin(SearchRequest(postcode=postcode), resolver)
        if isinstance(origin, Choices):  # not from a postcode, but the type allows it
            raise origin.error()
        venues = [m.venue for m in near(locator, origin, proximity, query)]
    found = page_of(venues, page, per_page)
    publisher = settings.oruk.publisher()
    return found.envelope([oruk.service_at_location_summary(v, publisher) for v in found.items])


@router.get(
    "/service_at_locations/{id}",
    response_model=OrukServiceAtLocation,
    responses=_ONE_PROBLEMS,
    **_ANSWER,
)
def service_at_location(
    id: str, catalogue: CatalogueDep, settings: SettingsDep
) -> dict[str, object]:
    """One place's service at its location, each with everything about it: HSDS 3.0's
    service_at_location (the profile's OpenAPI names the service schema here, an erratum)."""
    venue = catalogue.by_service_at_location_id(id)
    if venue is None:
        raise _not_found("service at a location")
    return oruk.service_at_location(venue, settings.oruk.publisher())


@router.get(
    "/organizations", response_model=OrukOrganizationPage, responses=_LIST_PROBLEMS, **_ANSWER
)
def organizations(
    catalogue: CatalogueDep,
    settings: SettingsDep,
    page: Page = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
) -> dict[str, object]:
    """The organisations: the council that runs the Safe Places scheme, and the police."""
    found = page_of(catalogue.organisations(settings.oruk.publisher()), page, per_page)
    return found.envelope([organisation.record() for organisation, _ in found.items])


@router.get(
    "/organizations/{id}",
    response_model=OrukOrganizationServices,
    responses=_ONE_PROBLEMS,
    **_ANSWER,
)
def organization(id: str, catalogue: CatalogueDep, settings: SettingsDep) -> dict[str, object]:
    """One organisation with every service it answers for, in full."""
    publisher = settings.oruk.publisher()
    for organisation, venues in catalogue.organisations(publisher):
        if organisation.id == id.strip().lower():
            return {
                **organisation.record(),
                "services": [oruk.service(v, publisher) for v in venues],
            }
    raise _not_found("organisation")


@router.get("/taxonomies", response_model=OrukTaxonomyPage, responses=_LIST_PROBLEMS, **_ANSWER)
def taxonomies(page: Page = 1, per_page: PerPage = DEFAULT_PER_PAGE) -> dict[str, object]:
    """The feed's one taxonomy: the kinds of place and their categories."""
    found = page_of([oruk.taxonomy()], page, per_page)
    return found.envelope(list(found.items))


@router.get("/taxonomies/{id}", response_model=OrukTaxonomy, responses=_ONE_PROBLEMS, **_ANSWER)
def taxonomy(id: str) -> dict[str, object]:
    """The taxonomy, by id."""
    found = oruk.taxonomy()
    if id.strip().lower() != found["id"]:
        raise _not_found("taxonomy")
    return found


@router.get(
    "/taxonomy_terms", response_model=OrukTaxonomyTermPage, responses=_LIST_PROBLEMS, **_ANSWER
)
def taxonomy_terms(page: Page = 1, per_page: PerPage = DEFAULT_PER_PAGE) -> dict[str, object]:
    """Every term: "safe-place" and "police-enquiry-office", and each category under its kind."""
    found = page_of(oruk.taxonomy_terms(), page, per_page)
    return found.envelope(list(found.items))


@router.get(
    "/taxonomy_terms/{id}", response_model=OrukTaxonomyTerm, responses=_ONE_PROBLEMS, **_ANSWER
)
def taxonomy_term(id: str) -> dict[str, object]:
    """One term, by id."""
    for term in oruk.taxonomy_terms():
        if term["id"] == id.strip().lower():
            return term
    raise _not_found("taxonomy term")


def _not_found(what: str) -> PlaceNotFound:
    return PlaceNotFound(
        f"There is no {what} with that id in this directory. It may have been removed.",
        log_message=f"unknown ORUK {what} id",
    )


router.add_api_route(
    "/service_at_locations",
    service_at_locations,
    methods=["GET"],
    response_model=OrukServiceAtLocationPage,
    responses={**_LIST_PROBLEMS, **problems(404)},
    route_class_override=NoStoreRoute,
    **_ANSWER,
)
