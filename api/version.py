"""The installed package's version: what `safeplaces --version`, the OpenAPI document and
/metrics say."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version


@cache
def package_version() -> str:
    try:
        return version("safeplaces-locator")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"
