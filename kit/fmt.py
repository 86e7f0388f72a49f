"""Numbers for people: round half up (四舍五入), as evaluators and Excel do.

Python's ``round`` rounds half to even and works on binary floats (``round(2.675, 2)`` is
2.67); every figure the kit writes is rounded half up on its decimal value instead. Exact
values (:class:`~fractions.Fraction`, :class:`~decimal.Decimal`, int) are rounded exactly;
a float is taken at its shortest decimal form (``repr``), which is what a cell shows.

Verdicts compare unrounded values. A figure shown beside a verdict gets as many decimals as
it needs so that the displayed figure never contradicts it (:func:`fmt_for_verdict`), and a
threshold is shown with its own precision (:func:`fmt_threshold`).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

__all__ = ["to_decimal", "quantize_half_up", "round_half_up", "fmt_number", "fmt_percent",
           "fmt_points", "fmt_points_for_verdict", "fmt_for_verdict", "fmt_threshold"]

_CTX = Context(prec=60)


def to_decimal(x) -> Decimal:
    """The decimal value of ``x``: exact for int, Decimal and Fraction (to 60 significant
    digits), the shortest decimal form for a float.

    >>> to_decimal(0.1 + 0.2), to_decimal(Fraction(1, 8)), to_decimal(3)
    (Decimal('0.30000000000000004'), Decimal('0.125'), Decimal('3'))
    """
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, Fraction):
        return _CTX.divide(Decimal(x.numerator), Decimal(x.denominator))
    return Decimal(repr(float(x)))


def _exact(x) -> Fraction:
    """The exact value of ``x`` (a float at its shortest decimal form)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError("a yes/no value is not a number")
    if isinstance(x, (int, Decimal)):
        return Fraction(x)
    if hasattr(x, "numerator") and hasattr(x, "denominator"):   # numpy integers
        return Fraction(int(x.numerator), int(x.denominator))
    return Fraction(Decimal(repr(float(x))))


def quantize_half_up(x, digits: int = 0) -> Decimal:
    """``x`` rounded half up to ``digits`` places, as an exact Decimal. Fractions are rounded
    exactly (no intermediate decimal expansion), so 9.625 is 9.63 and 2/3 is 0.67.

    >>> quantize_half_up(Fraction(77, 8), 2), quantize_half_up(Fraction(2, 3), 2), quantize_half_up(2.675, 2)
    (Decimal('9.63'), Decimal('0.67'), Decimal('2.68'))
    >>> quantize_half_up(-0.5), quantize_half_up(Fraction(-1, 8), 2)
    (Decimal('-1'), Decimal('-0.13'))
    """
    if isinstance(x, Decimal) or (isinstance(x, float) and not math.isfinite(x)):
        return to_decimal(x).quantize(_q(digits), rounding=ROUND_HALF_UP)   # NaN stays NaN
    f = _exact(x)
    scaled = abs(f) * 10 ** digits
    n = math.floor(scaled + Fraction(1, 2))
    return (Decimal(-n if f < 0 else n)).scaleb(-digits)


def _q(digits: int) -> Decimal:
    return Decimal(1).scaleb(-digits)


def round_half_up(x, digits: int = 0) -> float:
    """Round half up on the decimal value of ``x``.

    >>> round_half_up(2.675, 2), round(2.675, 2)
    (2.68, 2.67)
    >>> round_half_up(0.5), round_half_up(-0.5), round_half_up(98.25, 1), round_half_up(9.625, 2)
    (1.0, -1.0, 98.3, 9.63)
    """
    return float(quantize_half_up(x, digits))


def fmt_number(x, digits: int = 1) -> str:
    """>>> fmt_number(97.25), fmt_number(3, 0), fmt_number(Fraction(5, 2), 0)
    ('97.3', '3', '3')
    """
    d = quantize_half_up(x, digits)
    return str(d if d != 0 else abs(d))  # no "-0.0"


def fmt_percent(share, digits: int = 1) -> str:
    """A share 0-1 as a percentage string; the share is scaled by 100 exactly, so 0.2875
    shows 28.8%, not the 28.7% of ``0.2875 * 100 == 28.749999999999996``.

    >>> fmt_percent(405 / 412), fmt_percent(0.98245), fmt_percent(1), fmt_percent(0.2875)
    ('98.3%', '98.2%', '100.0%', '28.8%')
    """
    return fmt_number(_exact(share) * 100, digits) + "%"


def fmt_points(x) -> str:
    """Points and scores as evaluators write them: two places at most, half up, no trailing
    zeros.

    >>> fmt_points(98), fmt_points(7.5), fmt_points(46.099999999999994), fmt_points(13.995)
    ('98', '7.5', '46.1', '14')
    """
    s = fmt_number(x, 2)
    return s.rstrip("0").rstrip(".") if "." in s else s


def _shown(x, digits: int, percent: bool) -> Fraction:
    return Fraction(quantize_half_up(_exact(x) * (100 if percent else 1), digits))


def fmt_for_verdict(value, threshold, digits: int = 1, *, percent: bool = False,
                    max_digits: int = 8) -> str:
    """``value`` as shown beside a verdict on ``value >= threshold`` (or ``<``): the fewest
    decimals, at least ``digits``, for which the shown figure compares with the threshold
    the way the exact value does, so 59.96 is never shown as 「60.0分，低于60分」.

    >>> fmt_for_verdict(59.96, 60), fmt_for_verdict(59.95, 60), fmt_for_verdict(84.96, 85)
    ('59.96', '59.95', '84.96')
    >>> fmt_for_verdict(0.97996, 0.98, percent=True), fmt_for_verdict(0.988, 0.985, percent=True)
    ('97.996%', '98.8%')
    >>> fmt_for_verdict(0.99, 0.992, percent=True), fmt_for_verdict(Fraction(48, 49), 0.98, percent=True)
    ('99.0%', '97.96%')
    """
    t = _exact(threshold) * (100 if percent else 1)
    v = _exact(value) * (100 if percent else 1)
    for d in range(digits, max_digits + 1):
        s = _shown(value, d, percent)
        if (s >= t) == (v >= t) and (s == t) == (v == t):
            break
    text = fmt_number(v, d)
    return text + "%" if percent else text


def fmt_points_for_verdict(value, threshold) -> str:
    """Points beside a verdict on ``value >= threshold``: as :func:`fmt_points` shows them (two
    places at most, no trailing zeros), with more places only where the verdict needs them.

    >>> fmt_points_for_verdict(58, 60), fmt_points_for_verdict(58.5, 60), fmt_points_for_verdict(59.999, 60)
    ('58', '58.5', '59.999')
    >>> fmt_points_for_verdict(Fraction(1199, 20), 60), fmt_points_for_verdict(60, 60)
    ('59.95', '60')
    """
    shown = fmt_points(value)
    digits = len(shown.split(".", 1)[1]) if "." in shown else 0
    text = fmt_for_verdict(value, threshold, digits)
    return shown if text == fmt_number(value, digits) else text


def fmt_threshold(threshold, *, percent: bool = False, max_digits: int = 4) -> str:
    """A threshold or target with its own precision: no trailing zeros, up to ``max_digits``.

    >>> fmt_threshold(0.992, percent=True), fmt_threshold(0.98, percent=True), fmt_threshold(60)
    ('99.2%', '98%', '60')
    >>> fmt_threshold(Fraction(1, 3), percent=True)
    '33.3333%'
    """
    text = fmt_number(_exact(threshold) * (100 if percent else 1), max_digits)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%" if percent else text
