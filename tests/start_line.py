"""The real `safeplaces` command in a process of its own, and the one plain line it ends a
failed start with (exit status 3, never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from smtp import free_port

from api.settings import Settings

SAFEPLACES = str(Path(sys.executable).parent / "safeplaces")


def run_safeplaces(settings: Settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`safeplaces ARGS` (by default `serve` on a free port) on `settings`' data, with only
    the SAFEPLACES_ settings given here and in `env`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLACES_")}
    environ |= {
        "SAFEPLACES_DATA_DIR": str(settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(settings.data.cache_dir),
        "SAFEPLACES_SERVER__LOG_LEVEL": "warning",
        **env,
    }
    command = [SAFEPLACES, *(args or ("serve", "--port", str(free_port())))]
    return subprocess.run(
        command, env=environ, capture_output=True, text=True, timeout=120, check=False
    )


def one_line(r: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a start that ended with exit status 3."""
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]
