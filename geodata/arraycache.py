"""Sorted arrays cached as uncompressed .npz files, mapped from the file rather than read.

The gazetteer and the national postcode table are built once from their source files and
then read from here: a start-up maps the arrays in milliseconds and the operating system
reads a page only when a lookup uses it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

# What a broken or foreign cache file raises when read: the caller rebuilds it.
UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile, struct.error)


def map_npz(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Every array of an uncompressed .npz file (as `np.savez` writes), mapped read-only.

    An .npz is a zip of .npy files; stored uncompressed, each array's bytes lie in the file as
    they are in memory, after the zip entry's header and the .npy header.
    """
    found: dict[str, npt.NDArray[Any]] = {}
    with zipfile.ZipFile(path) as archive, path.open("rb") as fh:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{info.filename} is not a stored .npy")
            fh.seek(info.header_offset)
            header = fh.read(30)  # a zip local file header: its name and extra field follow
            if header[:4] != b"PK\x03\x04":
                raise ValueError(f"no local header for {info.filename}")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            fh.seek(info.header_offset + 30 + name_length + extra_length)
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
            if dtype.hasobject:
                raise ValueError(f"{info.filename} holds Python objects")
            name = info.filename.removesuffix(".npy")
            if int(np.prod(shape)) == 0:
                found[name] = np.empty(shape, dtype=dtype)
                continue
            mapped = np.memmap(
                path, dtype=dtype, mode="r", offset=fh.tell(), shape=shape,
                order="F" if fortran else "C",
            )  # fmt: skip
            found[name] = np.asarray(mapped)
    return found


def cache_path(source: Path, cache_dir: Path, kind: str, version: int) -> Path:
    """Where the cached form of `source` goes: named for the file, its size and time and
    the layout's `version`, so a changed file or layout is never misread."""
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{version}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir / f"{kind}-{source.name.split('.')[0]}-{digest}.npz"


def write_npz(cache: Path, arrays: dict[str, npt.NDArray[Any]]) -> None:
    """Write arrays as an uncompressed .npz (so each can be mapped in place), atomically."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        # Rename is atomic: a second worker starting at once sees the whole file or none.
        # (A process that mapped the old file keeps reading it: the name moves, not the data.)
        os.replace(tmp, cache)
    except OSError as exc:
        log.warning("could not write the cache %s: %s", cache, exc)
