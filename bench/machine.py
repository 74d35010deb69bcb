"""What the benchmarks ran on."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

LIBRARIES = ("numpy", "scipy", "shapely", "pyproj", "pandas", "pyarrow", "geopandas")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def cores() -> str:
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = logical
    return f"{logical} logical" + ("" if usable == logical else f" ({usable} usable)")


def versions() -> dict[str, str]:
    found = {"Python": f"{platform.python_implementation()} {sys.version.split()[0]}"}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    try:
        import shapely

        found["GEOS"] = str(shapely.geos_version_string)
    except ImportError:
        pass
    try:
        import pyproj

        found["PROJ"] = str(pyproj.proj_version_str)
    except ImportError:
        pass
    return found


def describe() -> dict[str, str]:
    return {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": cpu_model(),
        "Cores": cores(),
        "OS": f"{platform.system()} {platform.release()}",
        **versions(),
    }
