"""``kit init-questionnaire``: a codebook drafted from an export, every guess commented.

The draft is meant to be read and corrected, not trusted: each question carries YAML comments
saying what was guessed and what to check (type, codes, completed scale options, satisfied,
personal fields). It never holds a personal value: personal questions are drafted as
``personal:`` with no options, and any option that looks like a phone or 身份证 number turns its
question into a personal one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..questionnaire import Question, Questionnaire, questionnaire_to_dict
from .convert import Draft, draft_questionnaire

__all__ = ["draft_codebook", "draft_yaml", "question_yaml"]

_HEADER = ("# 由 kit init-questionnaire 起草。请逐题核对带“# 核对”注释的地方：题型、选项编码与分值、\n"
           "# 满意项 (satisfied)、个人信息字段 (personal)，再加上维度 (dimension)、分组 (groups)、\n"
           "# 总体满意度题 (role: overall)。核对后删去注释即可；kit check 会按本文件重新读取导出文件。\n")


def draft_codebook(export, codes=None, title: str | None = None, platform: str | None = None) -> Draft:
    """Draft a codebook from an export (and its 按序号 twin for 问卷星)."""
    from . import parse_export, wjx
    from .table import read_table
    from ..errors import ExportFormatError

    parsed = parse_export(export, platform=platform, variant="text" if codes else None)
    if codes:
        if parsed.platform != "wjx":
            raise ExportFormatError("--codes 只用于问卷星的按文本 + 按序号两个文件 (codes= is for "
                                    "问卷星 pairs)", path=export)
        parsed = wjx.pair_wjx(parsed, wjx.parse_wjx(read_table(Path(codes)), "codes"))
    return draft_questionnaire(parsed, title)


def _block(obj, indent: int = 0) -> list[str]:
    text = yaml.safe_dump(obj, allow_unicode=True, sort_keys=False, width=100,
                          default_flow_style=False)
    return [" " * indent + line for line in text.rstrip("\n").split("\n")]


def question_yaml(q: Question, indent: int = 0) -> str:
    """One question's ``questionnaire.yml`` entry (a list item), as ``kit`` writes it."""
    qd = questionnaire_to_dict(Questionnaire(title="", questions=[q]))["questions"][0]
    return "\n".join(_block([qd], indent)) + "\n"


def draft_yaml(draft: Draft) -> str:
    """The draft as questionnaire.yml text: a header, the file's notes, then each question
    preceded by ``# 核对：…`` comments. Loads with :func:`kit.load_questionnaire`."""
    d = questionnaire_to_dict(draft.questionnaire)
    questions = d.pop("questions")
    lines = [_HEADER.rstrip("\n")]
    lines += [f"# 说明：{n}" for n in draft.notes]
    if not d.get("title"):
        lines.append("# 核对：导出文件中没有问卷标题，请填写 title")
        d["title"] = ""
    lines += _block(d)
    lines.append("questions:")
    for q, qd in zip(draft.questionnaire.questions, questions):
        lines.append("")
        for c in draft.checks.get(q.id, []):
            lines.append(f"  # 核对（{q.id}）：{c}")
        lines += _block([qd], 2)
    return "\n".join(lines) + "\n"
