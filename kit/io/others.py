"""Readers for platforms other than 问卷星 (filled in below)."""
from __future__ import annotations


def detect(header_rows):
    return None


def parse(path, platform, table):
    raise NotImplementedError(platform)
