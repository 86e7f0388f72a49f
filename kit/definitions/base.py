"""The typed building blocks of every configuration file, and pydantic's errors in Chinese.

Every model derives from :class:`Spec`: unknown keys are refused (with a 「您是不是要写……」
suggestion), and no value is coerced from another type (``synthetic: "false"`` is a string, not
a boolean; ``title: [a, b]`` is a list, not text). :func:`validate` runs a model on a file's
content and turns *every* problem into one :class:`~kit.errors.KitError` that names the file
and the full key path (「键 waves[1].id」), what was expected and how to fix it.

Why pydantic (v2, MIT): the configuration becomes typed objects that the rest of the kit reads
as attributes (files → definitions → responses), each error comes with its machine-readable type
and key path (so the Chinese message is built here, once, not written at each check), and the
models can be walked to test every key with a wrong value. jsonschema would validate but give
back plain dicts; attrs+cattrs would need a second library for the error paths.
"""

from __future__ import annotations

import difflib
import math
import re
import types
import typing
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo
from pydantic.functional_validators import PlainValidator
from pydantic_core import PydanticCustomError

from ..errors import KitError

__all__ = ["Spec", "validate", "fail", "Text", "OptText", "Identifier", "Number", "NonNegative",
           "Positive", "PositiveInt", "NonNegativeInt", "Bool", "Share", "File", "ExportFile", "Date",
           "one_of", "matching", "key_path", "suggest", "type_name", "to_plain"]


# ------------------------------------------------------------------------------ messages
def fail(message: str, key: str | None = None) -> PydanticCustomError:
    """An error for a validator to raise; ``key`` names a sub-key relative to the value."""
    ctx = {"msg": message}
    if key is not None:
        ctx["key"] = key
    return PydanticCustomError("kit", "{msg}", ctx)


def type_name(v: Any) -> str:
    """What a YAML value is, in the words of the messages."""
    if v is None:
        return "空值"
    if isinstance(v, bool):
        return f"是非值 {str(v).lower()}"
    if isinstance(v, int):
        return f"整数 {v}"
    if isinstance(v, float):
        return f"数字 {_short(v)}"
    if isinstance(v, str):
        return f"文字「{v[:40]}{'…' if len(v) > 40 else ''}」"
    if isinstance(v, (list, tuple)):
        return f"列表（{len(v)}项）"
    if isinstance(v, dict):
        return "映射（键: 值）"
    if isinstance(v, (date, datetime)):
        return f"日期 {v}"
    return type(v).__name__


def _short(v: float) -> str:
    if math.isnan(v):
        return ".nan"
    if math.isinf(v):
        return ".inf" if v > 0 else "-.inf"
    return repr(v)


def suggest(word: Any, choices) -> str:
    """「您是不是要写“xxx”？」 for the closest choice (several when they are equally close), else ''.

    >>> suggest("synthtic", ["title", "synthetic"]), suggest("书计", ["主任", "书记"])
    ('您是不是要写“synthetic”？', '您是不是要写“书记”？')
    """
    word = str(word)
    choices = list(dict.fromkeys(str(c) for c in choices))
    scored = []
    for c in choices:
        m = difflib.SequenceMatcher(None, word.lower(), c.lower())
        scored.append((m.ratio(), c))
    best = max((r for r, _ in scored), default=0)
    if best < 0.5:
        return ""
    close = [c for r, c in scored if r == best][:3]
    return "您是不是要写" + "或".join(f"“{c}”" for c in close) + "？"


def key_path(loc: tuple) -> str:
    """('waves', 1, 'id') -> 'waves[1].id'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith("["):
            out += str(part)
        else:
            out += ("." if out else "") + str(part)
    return out


# ------------------------------------------------------------------------------ value types
_QUOTE_HINT = "如本意是文字，请加引号"


def _text(v: Any, info: ValidationInfo | None = None) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)  # an id or a year written without quotes: unambiguous
    if isinstance(v, bool):
        raise fail(f"应为文字，实为{type_name(v)}（YAML 把 yes/no/true/false/on/off 读作是非值）；"
                   f"{_QUOTE_HINT}，如 \"{'是' if v else '否'}\"")
    if isinstance(v, float):
        raise fail(f"应为文字，实为{type_name(v)}；{_QUOTE_HINT}，把原文写在引号里（如 \"{_short(v)}\"），"
                   "否则 2019.10 会被读成 2019.1")
    if isinstance(v, (date, datetime)):
        raise fail(f"应为文字，实为{type_name(v)}；{_QUOTE_HINT}，如 \"{v}\"")
    if isinstance(v, (list, tuple)):
        raise fail(f"应为一段文字，实为{type_name(v)}；请只写一项，或把几项合成一段文字")
    raise fail(f"应为文字，实为{type_name(v)}")


def _nonempty_text(v: Any) -> str:
    s = _text(v)
    if not s.strip():
        raise fail("不能为空")
    return s


Text = Annotated[str, PlainValidator(_nonempty_text)]
OptText = Annotated[str, PlainValidator(_text)]      # may be empty

def matching(pattern: str, expected: str) -> Any:
    """Text matching ``pattern``; ``expected`` says in Chinese what it should look like."""
    regex = re.compile(pattern)

    def check(v: Any) -> str:
        s = _nonempty_text(v)
        if not regex.match(s):
            raise fail(f"「{s}」{expected}")
        return s
    return Annotated[str, PlainValidator(check)]


Identifier = matching(r"^[A-Za-z_][A-Za-z0-9_]*$", "应为英文字母、数字和下划线，且不以数字开头（如 overall、q7_1）")


def _number(v: Any) -> int | float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        extra = ""
        if isinstance(v, str):
            extra = "；数字不要加引号，也不要带单位（如 100，而不是 \"100分\"）"
        raise fail(f"应为数字，实为{type_name(v)}{extra}")
    if isinstance(v, float) and not math.isfinite(v):
        raise fail(f"应为有限的数字，实为 {_short(v)}（非数字或无穷大）；请写一个具体的数")
    return v


def _bounded(lo=None, hi=None, lo_open=False):
    def check(v):
        x = _number(v)
        if lo is not None and (x <= lo if lo_open else x < lo):
            raise fail(f"应{'大于' if lo_open else '不小于'}{lo}，实为{_short(x) if isinstance(x, float) else x}")
        if hi is not None and x > hi:
            raise fail(f"应不大于{hi}，实为{x}")
        return x
    return check


Number = Annotated[float, PlainValidator(_number)]
NonNegative = Annotated[float, PlainValidator(_bounded(0))]
Positive = Annotated[float, PlainValidator(_bounded(0, lo_open=True))]


def _integer(lo: int):
    def check(v):
        if isinstance(v, bool) or not isinstance(v, int):
            hint = "；不要加引号" if isinstance(v, str) else ""
            if isinstance(v, float) and v.is_integer():
                hint = f"；请写作 {int(v)}"
            raise fail(f"应为整数，实为{type_name(v)}{hint}")
        if v < lo:
            raise fail(f"应为不小于{lo}的整数，实为{v}")
        return v
    return check


PositiveInt = Annotated[int, PlainValidator(_integer(1))]
NonNegativeInt = Annotated[int, PlainValidator(_integer(0))]


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        from ..values import parse_yes_no

        try:
            meant = parse_yes_no(v)
        except KitError:
            meant = None
        fix = f"；如本意为“{'是' if meant else '否'}”，请写 {str(meant).lower()}" if meant is not None else ""
        raise fail(f"应为 true 或 false（不加引号），实为{type_name(v)}（加了引号的文字一律不算是非值）{fix}")
    raise fail(f"应为 true 或 false，实为{type_name(v)}")


Bool = Annotated[bool, PlainValidator(_bool)]


def _decimal_text(x: Fraction) -> str:
    from decimal import Decimal, localcontext

    with localcontext() as c:
        c.prec = 28
        d = Decimal(x.numerator) / Decimal(x.denominator)
    return format(d.normalize(), "f")


def _share(v: Any) -> Fraction:
    """A proportion 0–1: 0.98, or written with a percent sign: "98%"."""
    from ..values import parse_quantity, to_fraction

    if isinstance(v, bool):
        raise fail(f"应为0到1之间的比例（如 0.98 或 \"98%\"），实为{type_name(v)}")
    if isinstance(v, (int, float)):
        _number(v)
        x = to_fraction(v)
        if 1 < x <= 100:
            raise fail(f"应为0到1之间的比例，实为{v}；如指{v}%，请写 {_decimal_text(x / 100)} 或 \"{v}%\"")
        if not 0 <= x <= 1:
            raise fail(f"应为0到1之间的比例（或 0%–100%），实为{v}")
        return x
    if isinstance(v, str):
        try:
            q = parse_quantity(v)
        except KitError:
            q = None
        if q is None or q.unit not in ("", "%") or q.relation not in (None, ">="):
            raise fail(f"应为比例，如 0.98 或 \"98%\"，实为{type_name(v)}")
        if not 0 <= q.value <= 1:
            raise fail(f"应在0%到100%之间，实为「{v}」")
        if q.unit == "" and q.value > 1:
            raise fail(f"应为0到1之间的比例，实为「{v}」")
        return q.value
    raise fail(f"应为0到1之间的比例（如 0.98 或 \"98%\"），实为{type_name(v)}")


Share = Annotated[Fraction, PlainValidator(_share)]


def _file(v: Any, info: ValidationInfo, outside_ok: bool = False) -> Path:
    s = _nonempty_text(v)
    root = (info.context or {}).get("root")
    p = Path(s).expanduser()
    if not p.is_absolute() and root is not None:
        p = Path(root) / p
    if root is not None:
        try:
            inside = p.resolve().is_relative_to(Path(root).resolve())
        except OSError:
            inside = False
        if not inside and not outside_ok:
            raise fail(f"{p} 不在项目文件夹 {root} 内；请把文件复制到项目文件夹中，写相对路径，"
                       "这样整个项目文件夹可以复制给别人重新运行")
        if not p.exists():
            raise fail(f"文件不存在：{p}；请检查文件名（路径相对于项目文件夹 {root}）")
        if p.is_dir():
            raise fail(f"应为文件，{p} 是一个文件夹")
    return p


File = Annotated[Path, PlainValidator(_file)]
# A raw export holding personal data may be kept outside the project folder (a protected
# drive), so that the project folder can be shared without it; outputs then name it by its
# file name (kit.paths.input_name).
ExportFile = Annotated[Path, PlainValidator(lambda v, info: _file(v, info, outside_ok=True))]


def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip().replace("/", "-").replace(".", "-"))
        except ValueError:
            pass
    raise fail(f"应为日期，如 2023-01-01，实为{type_name(v)}")


Date = Annotated[date, PlainValidator(_date)]


def one_of(*choices: str, what: str = "") -> Any:
    """Text that must be one of ``choices`` (with a suggestion for a near miss)."""
    def check(v):
        s = _nonempty_text(v)
        if s not in choices:
            raise fail(f"{what}「{s}」无法识别，应为 {'、'.join(choices)} 之一。{suggest(s, choices)}".rstrip("。")
                       .replace("之一。您", "之一；您"))
        return s
    return Annotated[str, PlainValidator(check)]


# ------------------------------------------------------------------------------ base model
class Spec(BaseModel):
    """Base of every configuration model: unknown keys refused, values never coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False,
                              arbitrary_types_allowed=True, hide_input_in_errors=True)

    def to_plain(self, *, exclude_none: bool = True) -> dict:
        """The validated values as a plain dict keyed as in the file (defaults filled in),
        values kept as validated (Fraction, Path, date), for code that reads dicts."""
        return to_plain(self, exclude_none=exclude_none)


def to_plain(v: Any, *, exclude_none: bool = True):
    if isinstance(v, BaseModel):
        out = {}
        for name, f in type(v).model_fields.items():
            x = getattr(v, name)
            if x is None and exclude_none:
                continue
            out[f.alias or name] = to_plain(x, exclude_none=exclude_none)
        return out
    if isinstance(v, dict):
        return {k: to_plain(x, exclude_none=exclude_none) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_plain(x, exclude_none=exclude_none) for x in v]
    return v


_CN_TYPES = {"dict_type": "映射（键: 值）", "model_type": "映射（键: 值）", "model_attributes_type":
             "映射（键: 值）", "list_type": "列表", "tuple_type": "列表", "string_type": "文字",
             "int_type": "整数", "float_type": "数字", "bool_type": "true 或 false",
             "date_type": "日期", "set_type": "列表"}
_SHAPE_EXAMPLES = {"映射（键: 值）": "在下一行缩进写“键: 值”", "列表": "写成 [a, b] 或每项一行“- a”"}


def _field_keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _unwrap(tp):
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The model class that validated the mapping at ``loc``."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            f = next((f for name, f in tp.model_fields.items() if (f.alias or name) == part), None)
            if f is None:
                return None
            tp = f.annotation
        elif typing.get_origin(tp) in (list, tuple, set):
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _message(model: type[BaseModel], err: dict) -> tuple[str, str]:
    """(key path, Chinese message) for one pydantic error."""
    loc = tuple(p for p in err["loc"] if p != "[key]")
    is_key = "[key]" in err["loc"]
    kind, ctx = err["type"], err.get("ctx") or {}
    value = err.get("input")
    if kind == "kit":
        extra = ctx.get("key")
        path = key_path(loc + ((extra,) if extra else ()))
        msg = ctx["msg"]
        return path, (f"键名「{loc[-1]}」：{msg}" if is_key else msg)
    path = key_path(loc)
    if kind == "missing":
        name = loc[-1] if loc else ""
        return path, f"缺少必填项「{name}」；请添加一行“{name}: …”"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = _field_keys(parent) if parent else []
        hint = suggest(loc[-1], allowed)
        listed = f"；可用的键：{', '.join(allowed)}" if allowed else ""
        return path, f"未知的键。{hint}{listed.lstrip('；')}"
    if kind in _CN_TYPES:
        want = _CN_TYPES[kind]
        how = _SHAPE_EXAMPLES.get(want, "")
        return path, f"应为{want}，实为{type_name(value)}" + (f"；{how}" if how else "")
    if kind == "literal_error":
        return path, f"「{value}」无法识别，应为 {ctx.get('expected')} 之一"
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return path, f"{'至少' if kind == 'too_short' else '至多'}应有{n}项，实有{ctx.get('actual_length')}项"
    return path, f"{err['msg']}（{kind}）"


def validate(model: type[BaseModel], data: Any, path: str | Path | None,
             error: type[KitError] = KitError, context: dict | None = None, max_errors: int = 12):
    """``model`` validated from ``data`` (a YAML file's content); every problem, in Chinese with
    its key path, in one ``error`` naming ``path``."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        from .yamlfile import not_a_mapping_hint

        hint = not_a_mapping_hint(Path(path)) if path and Path(path).exists() else ""
        raise error(f"文件内容应为“键: 值”的映射，实为{type_name(data)}{hint}", path=path)
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise config_error(model, exc, path, error, max_errors) from None


def config_error(model: type[BaseModel], exc: ValidationError, path, error: type[KitError],
                 max_errors: int = 12) -> KitError:
    problems = []
    for err in exc.errors(include_url=False):
        key, msg = _message(model, err)
        line = f"键「{key}」：{msg}" if key else msg
        if line not in problems:
            problems.append(line)
    if len(problems) == 1:
        return error(problems[0], path=path)
    shown = problems[:max_errors]
    more = f"\n  ……另有{len(problems) - max_errors}处" if len(problems) > max_errors else ""
    return error(f"发现{len(problems)}处问题，请逐一改正：\n" +
                 "\n".join(f"  {i}. {p}" for i, p in enumerate(shown, 1)) + more, path=path)
