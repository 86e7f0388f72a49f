from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT.parent / "shared" / "exports"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# A fixed salt for the test run: hashes are comparable within the run, and no per-machine
# salt file is needed.
os.environ.setdefault("KIT_SALT", "test-salt-not-secret")


@pytest.fixture(scope="session")
def exports() -> Path:
    if not EXPORTS.is_dir():
        pytest.fail(f"the acceptance corpus is missing: expected {EXPORTS}")
    return EXPORTS


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
