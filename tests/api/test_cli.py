"""The `safeplaces` command: readable answers, plain errors, non-zero exits on bad input."""

from __future__ import annotations

import io
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from api.cli import EXIT_BAD_INPUT, EXIT_DATA, main
from api.settings import Settings


@pytest.fixture(autouse=True)
def _logging_put_back() -> Iterator[None]:
    """`serve` sets up logging for the whole process, on this test's stderr (which pytest
    closes afterwards): put it back, or later tests' servers would log to a closed file."""
    names = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "safeplaces", "geodata")
    loggers = [logging.getLogger(name) for name in (*names, "locator", "api")]
    saved = [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled) for lg in loggers]
    yield
    for lg, handlers, level, propagate, disabled in saved:
        lg.handlers[:] = handlers
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled


@pytest.fixture(autouse=True)
def _data(synthetic_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(synthetic_settings.data.dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(synthetic_settings.data.cache_dir))


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def test_postcode() -> None:
    code, out = _run("postcode", "de43ag")
    assert code == 0
    assert out == "DE4 3AG  53.142342, -1.551396\n"
    code, out = _run("postcode", "DE4")
    assert code == 0 and out.startswith("DE4  ") and "middle of 4 postcodes" in out
    code, out = _run("postcode", "de4 3")
    assert code == 0 and out.startswith("DE4 3  ") and "middle of 3 postcodes" in out


def test_postcode_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("postcode", "banana")[0] == EXIT_BAD_INPUT
    assert "is not a postcode" in capsys.readouterr().err
    assert _run("postcode", "DE4 9ZZ")[0] == EXIT_BAD_INPUT
    assert "We couldn't find the postcode DE4 9ZZ" in capsys.readouterr().err


def test_nearest_table() -> None:
    code, out = _run("nearest", "DE4 3AG", "-k", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Nearest Safe Places to DE4 3AG:"
    assert lines[1].split() == ["#", "Place", "Type", "Distance", "Opening"]
    assert lines[3].startswith("1  Corner Café")
    assert lines[4].startswith("2  Matlock Library")
    assert "Chesterfield Police Station (approximate location)" in out
    assert "call 999" in out


def test_nearest_ambiguous_lists_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("nearest", "Newton")[0] == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "More than one place is called" in err and "Newton, Tameside (SK14)" in err


def test_check_data() -> None:
    code, out = _run("check-data")
    assert code == 0
    assert "venues_derbyshire.csv row 5 (S5)" in out and "6 places loaded, 1 rows skipped." in out
    assert _run("check-data", "--strict")[0] == 1


def test_missing_data(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(tmp_path))
    assert _run("postcode", "DE4 3AG")[0] == EXIT_DATA
    assert "could not be loaded" in capsys.readouterr().err


def test_runs_as_a_process() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "api.cli", "nearest", "DE4 3AG", "-k", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "Nearest Safe Places to DE4 3AG:" in r.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "api.cli", "nearest", "-k", "99", "DE4 3AG"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "k must be a whole number from 1 to 50" in bad.stderr


def test_serve_without_data_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(tmp_path))
    assert _run("serve", "--port", "1")[0] == EXIT_DATA
    assert "Set SAFEPLACES_DATA_DIR" in capsys.readouterr().err


def test_bad_setting_is_a_plain_message(monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SAFEPLACES_SEARCH__DEFAULT_K", "abc")
    assert _run("nearest", "DE4 3AG")[0] == EXIT_DATA
    err = capsys.readouterr().err
    assert "SAFEPLACES_SEARCH__DEFAULT_K: Input should be a valid integer" in err


@pytest.mark.parametrize("args", [["serve", "--port", "99999"], ["serve", "--workers", "0"]])
def test_serve_arguments_are_checked(args: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit:
        _run(*args)
    assert exit.value.code == 2
    assert "must be a whole number" in capsys.readouterr().err


def test_ambiguous_name_shows_how_to_pick(capsys: pytest.CaptureFixture[str]) -> None:
    _run("nearest", "Newton")
    assert 'Type, for example: safeplaces nearest "Newton, Bolsover"' in capsys.readouterr().err


def test_workers_share_a_tcp_socket() -> None:
    """Made with IPPROTO_TCP, so asyncio turns Nagle off for each connection (without it a
    keep-alive answer from several workers waits for a delayed ACK)."""
    import socket

    from api.workers import listening_socket

    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP and sock.get_inheritable()
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL) == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_several_workers_on_a_port_in_use_say_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = str(busy.getsockname()[1])
        assert main(["serve", "--port", port, "--workers", "2"]) == EXIT_DATA
        assert f"Could not listen on 127.0.0.1:{port}" in capsys.readouterr().err
    finally:
        busy.close()


def test_serve_believes_only_the_trusted_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    class NotServing:
        # The options reach uvicorn's Config; the server itself is not started.
        def __init__(self, config: uvicorn.Config) -> None:
            seen.update(proxy_headers=config.proxy_headers)
            seen.update(forwarded_allow_ips=config.forwarded_allow_ips)
            self.started = True

        def run(self, sockets: object = None) -> None:
            for sock in sockets or []:  # type: ignore[attr-defined]
                sock.close()

    monkeypatch.setattr(uvicorn, "Server", NotServing)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("SAFEPLACES_SERVER__PORT", str(port))
    monkeypatch.setenv("SAFEPLACES_SERVER__TRUSTED_PROXIES", '["10.0.0.5", "10.1.0.0/16"]')
    assert _run("serve")[0] == 0
    assert seen["proxy_headers"] is True
    assert seen["forwarded_allow_ips"] == ["10.0.0.5", "10.1.0.0/16"]
    monkeypatch.setenv("SAFEPLACES_SERVER__TRUSTED_PROXIES", '["*"]')
    assert _run("serve")[0] == EXIT_DATA  # trusting everyone would let anyone fake HTTPS
