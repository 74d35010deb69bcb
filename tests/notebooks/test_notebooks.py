"""The analyst notebooks: committed without outputs, and run top to bottom in a real Jupyter
kernel on the shared data, each well within the two minutes an analyst can wait."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NAMES = ["coverage.ipynb", "data_quality.ipynb"]
LIMIT_S = 120  # a cell that runs longer has hung: the guard, not a speed check

pytestmark = pytest.mark.notebooks


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    # Short explanations between the steps, for the analyst reading it.
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= len(code) // 2


@pytest.mark.parametrize("name", NAMES)
def test_runs_top_to_bottom(
    name: str, real_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a fresh kernel, as from a fresh clone: the place database is a new SQLite file (the
    first load seeds it from the open data), so a test run never touches var/."""
    monkeypatch.setenv("SAFEPLACES_DATA_DIR", str(real_data_dir))
    monkeypatch.setenv("SAFEPLACES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SAFEPLACES_DATABASE_URL", f"sqlite:///{tmp_path / 'places.db'}")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        nb,
        timeout=LIMIT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    assert (tmp_path / "places.db").is_file()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("L.map(" in h for h in html)  # the map rendered, Leaflet inline
    if name == "coverage.ipynb":
        assert any("image/svg+xml" in o.get("data", {}) for o in outputs)  # the chart
        text = "\n".join(o.data.get("text/plain", "") for o in outputs if "data" in o)
        assert "live postcodes in" in text and "under-served postcodes" in text
