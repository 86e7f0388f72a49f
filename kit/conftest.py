"""Doctest namespace: examples run on the bundled sample data and the acceptance corpus."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("KIT_SALT", "test-salt-not-secret")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["EXPORTS"] = ROOT.parent / "shared" / "exports"
    doctest_namespace["ROOT"] = ROOT
