"""How hard the property tests and the API fuzzing try.

CI and `make test` use the `ci` profile: few examples, the same ones every run (derandomized,
no example database), no per-example deadline (a loaded machine must not fail a test for being
slow). `SAFEPLACES_VERIFY=thorough` runs twenty times the examples, drawn at random; Hypothesis
prints the seed of any failure (rerun it with `pytest --hypothesis-seed=...`).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("SAFEPLACES_VERIFY", "ci")
SCALES = {"ci": 1, "thorough": 20}
if PROFILE not in SCALES:
    raise RuntimeError(f"SAFEPLACES_VERIFY must be one of {', '.join(SCALES)}, not {PROFILE!r}")


def register_profiles() -> None:
    """Register both profiles and load the chosen one (tests/conftest.py calls this)."""
    # Slow data generation is the machine, not the code: never a failure.
    quiet = [HealthCheck.too_slow, HealthCheck.data_too_large]
    settings.register_profile(
        "ci", deadline=None, derandomize=True, database=None, suppress_health_check=quiet
    )
    settings.register_profile("thorough", deadline=None, suppress_health_check=quiet)
    settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """A test's example budget: `n` in CI, more when asked for."""
    return n * SCALES[PROFILE]
