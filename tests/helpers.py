"""Helpers shared by the tests that break sample projects on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from kit.paths import ROOT


def copy_sample(name: str, dst: Path) -> Path:
    """The sample project ``surveys/<name>`` copied to ``dst``, to be broken by a test."""
    shutil.copytree(ROOT / "surveys" / name, dst)
    return dst


def edit_yaml(path: Path, change) -> None:
    """Rewrite a YAML file after ``change(data)`` has edited its content in place."""
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(d)
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
