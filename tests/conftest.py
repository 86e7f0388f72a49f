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


@pytest.fixture(scope="session")
def run_script():
    """Run a sample project's generator script: ``run_script("party-ledgers/generate.py", out)``
    imports ``surveys/<script>`` and returns what its ``main(out)`` returns."""
    import importlib.util

    def run(script: str, out: Path):
        path = ROOT / "surveys" / script
        spec = importlib.util.spec_from_file_location(f"sample_{path.parent.name}_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.main(out)

    return run


@pytest.fixture(scope="session")
def office():
    """LibreOffice for rendering tests: the PDF converter (kit.render.pdf.to_pdf). Missing
    LibreOffice fails the test when we are root (`make test` installs it then) and skips it
    otherwise, with the install command."""
    from kit.render.pdf import INSTALL_HINT, soffice, to_pdf

    if soffice() is None:
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            pytest.fail("LibreOffice 未安装（以 root 运行时 `make test` 会安装）。" + INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    pytest.importorskip("pypdf", reason="pypdf 未安装：pip install -e '.[test]'")
    return to_pdf
