"""Numbers for people: round half up (四舍五入), as evaluators and Excel do.

Python's ``round`` rounds half to even and works on binary floats (``round(2.675, 2)`` is
2.67); displayed figures here are rounded half up on the decimal value. Verdicts compare
unrounded values; only display uses these helpers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["round_half_up", "fmt_number", "fmt_percent", "fmt_points"]


def round_half_up(x: float, digits: int = 0) -> float:
    """Round half up on the decimal representation of ``x``.

    >>> round_half_up(2.675, 2), round(2.675, 2)
    (2.68, 2.67)
    >>> round_half_up(0.5), round_half_up(-0.5), round_half_up(98.25, 1)
    (1.0, -1.0, 98.3)
    """
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def fmt_number(x: float, digits: int = 1) -> str:
    """>>> fmt_number(97.25), fmt_number(3, 0)
    ('97.3', '3')
    """
    q = Decimal(1).scaleb(-digits)
    return str(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def fmt_percent(share: float, digits: int = 1) -> str:
    """A share 0-1 as a percentage string.

    >>> fmt_percent(405 / 412), fmt_percent(0.98245), fmt_percent(1)
    ('98.3%', '98.2%', '100.0%')
    """
    return fmt_number(float(Decimal(repr(float(share))) * 100), digits) + "%"


def fmt_points(x: float) -> str:
    """Points and scores as evaluators write them: two places at most, half up, no trailing
    zeros.

    >>> fmt_points(98), fmt_points(7.5), fmt_points(46.099999999999994), fmt_points(13.995)
    ('98', '7.5', '46.1', '14')
    """
    s = fmt_number(x, 2)
    return s.rstrip("0").rstrip(".") if "." in s else s
