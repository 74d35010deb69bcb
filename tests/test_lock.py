"""uv.lock was made from pyproject.toml as it is now: every dependency and extra, with the
same bounds and markers (what `uv lock --check` compares), read offline from both files.
After changing a dependency, `.venv/bin/uv lock` (`make lock`) brings the lock up to date."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")

# One dependency as both files can say it: name, its extras, bounds, marker, the extra it is in.
Dep = tuple[str, tuple[str, ...], str, str, str]


def _dep(req: Requirement, extra: str = "") -> Dep:
    marker = str(req.marker) if req.marker else ""
    return (
        canonicalize_name(req.name),
        tuple(sorted(canonicalize_name(e) for e in req.extras)),
        str(SpecifierSet(str(req.specifier))),
        str(Marker(marker)) if marker else "",
        extra,
    )


def declared(pyproject: dict[str, Any]) -> set[Dep]:
    project = pyproject["project"]
    deps = {_dep(Requirement(text)) for text in project.get("dependencies", [])}
    for extra, texts in project.get("optional-dependencies", {}).items():
        deps |= {_dep(Requirement(text), canonicalize_name(extra)) for text in texts}
    return deps


def locked(lock: dict[str, Any], name: str) -> tuple[set[Dep], set[str]]:
    """The dependencies uv recorded for project `name`, and the extras it provides."""
    (package,) = [p for p in lock["package"] if p["name"] == name]
    metadata = package["metadata"]
    deps = set()
    for entry in metadata.get("requires-dist", []):
        marker = entry.get("marker", "")
        extra = _EXTRA.search(marker)
        # uv writes an extra's own marker and its "extra == …" joined by "and".
        rest = _EXTRA.sub("", marker).strip()
        rest = re.sub(r"^and\s+|\s+and$", "", rest).strip()
        text = entry["name"] + (f"[{','.join(entry['extras'])}]" if entry.get("extras") else "")
        text += entry.get("specifier", "") + (f"; {rest}" if rest else "")
        deps.add(_dep(Requirement(text), canonicalize_name(extra.group(1)) if extra else ""))
    return deps, {canonicalize_name(e) for e in metadata.get("provides-extras", [])}


def lock_problems(pyproject: dict[str, Any], lock: dict[str, Any]) -> list[str]:
    """What differs between the two, in words; empty when the lock is current."""
    project = pyproject["project"]
    problems = []
    if lock.get("requires-python") != project.get("requires-python"):
        problems.append("requires-python differs")
    in_lock, extras = locked(lock, canonicalize_name(project["name"]))
    wanted = declared(pyproject)
    problems += [f"not in uv.lock: {d}" for d in sorted(wanted - in_lock)]
    problems += [f"only in uv.lock: {d}" for d in sorted(in_lock - wanted)]
    if extras != {canonicalize_name(e) for e in project.get("optional-dependencies", {})}:
        problems.append(f"uv.lock's extras are {sorted(extras)}")
    return problems


def _files() -> tuple[dict[str, Any], dict[str, Any]]:
    with (ROOT / "pyproject.toml").open("rb") as f, (ROOT / "uv.lock").open("rb") as g:
        return tomllib.load(f), tomllib.load(g)


def test_the_lock_matches_pyproject() -> None:
    pyproject, lock = _files()
    assert lock_problems(pyproject, lock) == [], "run `.venv/bin/uv lock` and commit uv.lock"


def test_a_changed_dependency_is_caught() -> None:
    pyproject, lock = _files()
    project = pyproject["project"]
    project["dependencies"] = [*project["dependencies"], "left-pad>=1"]
    project["dependencies"][0] = project["dependencies"][0].split(">")[0] + ">=99"
    project["optional-dependencies"]["postgres"] = []
    problems = lock_problems(pyproject, lock)
    assert any("left-pad" in p for p in problems)
    assert any("'>=99'" in p for p in problems)
    assert any("psycopg" in p and "only in uv.lock" in p for p in problems)


def test_every_locked_package_is_pinned_with_hashes() -> None:
    _, lock = _files()
    for package in lock["package"]:
        if package.get("source", {}).get("editable"):
            continue
        assert package.get("version"), package["name"]
        files = [*package.get("wheels", []), *filter(None, [package.get("sdist")])]
        assert files and all(f.get("hash", "").startswith("sha256:") for f in files), package
