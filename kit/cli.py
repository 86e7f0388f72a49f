"""Command line: ``kit`` (or ``python -m kit`` where there is no ``make``, e.g. on Windows).

    kit new NAME EXPORT [EXPORT ...] [--indicators FILE]     a project folder from downloaded exports
    kit check EXPORT [--codes FILE] [--questionnaire FILE]   what was recognised, quality summary
    kit check surveys/<project>                              the same for a project's waves, and
                                                             what the kit will do with each question
    kit codebook export|import surveys/<project>             the codebook as an Excel workbook
    kit init-questionnaire EXPORT [--codes FILE] [-o FILE]   draft a codebook from an export
    kit init-indicators --framework F (--project P | -o DIR) a blank indicator workbook
    kit report surveys/<project> [--out DIR]                 run the project's notebooks
    kit pepper new|export|import|status ...                  the project's hashing key (pepper)
    kit fonts                                                which CJK font charts will use
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from .errors import KitError

__all__ = ["main"]


def _print_table(df) -> None:
    for row in df.itertuples(index=False):
        print(f"  {row[0]}：{row[1]}")


def _check(args) -> int:
    from .io import load_export
    from .project import load_project
    from .tables import quality_summary_table, recognition_table

    target = Path(args.export)
    appraisal = None
    if target.is_dir():
        proj = load_project(target)
        proj.check_data()
        appraisal = proj.appraisal
        runs = [(f"{proj.title} / {w.label}", proj.load(w.id)) for w in proj.waves]
    else:
        from .privacy import mask_filename

        runs = [(mask_filename(target.name), load_export(target, codes=args.codes,
                                                         questionnaire=args.questionnaire))]
    from .guide import guide_lines, question_uses

    for title, r in runs:
        print(f"== {title}")
        _print_table(recognition_table(r))
        s = quality_summary_table(r)
        if len(s):
            print("  质量标记：")
            for row in s.itertuples(index=False):
                print(f"    {row[0]}：{row[1]}份（{row[2]}）")
        print("  " + r.exclusion_sentence())
        from .eligibility import explain_analyses

        heads = [e.sentences[0] for e in explain_analyses(r, appraisal).values() if e.considered]
        for line in guide_lines(question_uses(r.questionnaire, r.valid, appraisal), heads):
            print("  " + line)
    if target.is_dir():
        from .newproject import missing_notebooks

        for name, what in missing_notebooks(proj):
            print(f"  提示：本项目的内容支持笔记本 {name}（{what}），但 project.yml 的 notebooks: 中没有它；"
                  "make codebook-import 会自动加上，也可以手动添加")
    return 0


def _init_questionnaire(args) -> int:
    from .io.draft import draft_codebook, draft_yaml

    draft = draft_codebook(args.export, codes=args.codes, title=args.title)
    text = draft_yaml(draft)
    if args.output:
        out = Path(args.output)
        if out.exists() and not args.force:
            raise KitError("文件已存在；用 --force 覆盖", path=out)
        from .atomic import write_text

        write_text(out, text)
        from .paths import display_path

        n_check = sum(bool(c) for c in draft.checks.values())
        print(f"已写入 {display_path(out)}（{len(draft.questionnaire.questions)} 题，其中{n_check}题有待核对的推定）")
    else:
        sys.stdout.write(text)
    return 0


def _init_indicators(args) -> int:
    if args.project:
        from .newproject import attach_indicators, make_arg, project_folder

        root = project_folder(args.project)
        paths, added = attach_indicators(args.project, args.framework, force=args.force)
        print("已写入 " + "、".join(_shown(p) for p in paths)
              + ("；project.yml 的 notebooks: 中加上了 " + "、".join(added) if added else ""))
        print(f"下一步：在 Excel 中打开 {_shown(paths[0])}，每行填写一个最末级指标（分值、评分方法、指标值、完成值；"
              "满意率可写“问卷:满意率”），核对 method.yml 的分值与等级，然后运行 "
              f"make report {make_arg(root)}（Windows：python -m kit report {_shown(root)}）")
        return 0
    from .selfassessment import write_indicator_template

    paths = write_indicator_template(args.framework, args.output, force=args.force)
    print("已写入 " + "、".join(str(p) for p in paths) + "：在 Excel 中逐行填写最末级指标；再在项目的 project.yml "
          "中写上 indicators: 和 method:（或改用 kit init-indicators --project 项目文件夹，自动写好），然后运行 kit report")
    return 0


def _shown(p) -> str:
    from .paths import display_path

    return display_path(p)


def _new(args) -> int:
    from .newproject import new_project

    made = new_project(args.name, args.exports, indicators=args.indicators, title=args.title,
                       force=args.force)
    for line in made.lines():
        print(line)
    return 0


def _codebook(args) -> int:
    from .codebook import codebook_paths, export_codebook, import_codebook

    yml, book = codebook_paths(args.target, args.workbook)
    if args.action == "export":
        export_codebook(yml, book, force=args.force)
        print(f"已写入 {_shown(book)}：在 Excel 中逐题核对（各列填法见“填写说明”工作表，“提示”列说明 kit 目前"
              "如何使用每道题），保存后运行 make codebook-import 读回")
        return 0
    qn = import_codebook(book, yml, force=args.force)
    print(f"已读回 {_shown(yml)}（{len(qn.questions)}道题；原文件保存为 {yml.name}.bak）")
    target = Path(args.target)
    from .paths import resolve

    if resolve(target).is_dir():
        from .guide import guide_lines, question_uses
        from .newproject import sync_notebooks

        added = sync_notebooks(resolve(target))
        if added:
            print("project.yml 的 notebooks: 中加上了 " + "、".join(added))
        for line in guide_lines(question_uses(qn)):
            print(line)
    return 0


def _report(args) -> int:
    from .report import run_report

    from .runsummary import summary_lines

    out = run_report(args.project, args.out, progress=not args.quiet)
    for line in summary_lines(args.project, out):
        print(line)
    return 0


def _pepper(args) -> int:
    from .pepper import pepper_command

    return pepper_command(args)


def _fonts(args) -> int:
    from .plots import use_cjk_font

    print(use_cjk_font())
    return 0


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _ename(exc: BaseException) -> str:
    return getattr(exc, "ename", None) or type(exc).__name__


def _safe_message(text: str) -> str:
    """An exception message as a log may keep it: English text without digits that could be
    data; anything else (Chinese labels, names, numbers) is left out."""
    from .privacy import mask_text

    text = str(text)
    if not text or (text.isascii() and not re.search(r"\d{3,}|@", text) and mask_text(text) == text):
        return text[:300]
    return f"〔消息已省略：可能含数据内容，共{len(text)}个字符〕"


def _log_dir() -> Path:
    import os
    import tempfile

    from .paths import ROOT

    for d in (os.environ.get("KIT_LOG_DIR"), ROOT / "reports" / "logs",
              Path(tempfile.gettempdir()) / "dangjian-kit-logs"):
        if not d:
            continue
        try:
            Path(d).mkdir(parents=True, exist_ok=True)
            return Path(d)
        except OSError:
            continue
    return Path(tempfile.gettempdir())


def write_bug_log(exc: BaseException, argv: list[str]) -> Path:
    """Where an unexpected error happened, for a bug report: the frames (files, lines, code) and
    the exception's type; its message only when it cannot hold data values (see
    :func:`_safe_message`). No data, no paths of the user's files beyond the command."""
    import datetime as dt
    import platform
    import traceback

    from . import __version__

    message = _safe_message(getattr(exc, "evalue", None) or str(exc))
    lines = [f"dangjian-eval-kit {__version__}，Python {platform.python_version()}，{platform.platform()}",
             f"命令：kit {argv[0] if argv else ''}", f"错误类型：{_ename(exc)}", f"错误消息：{message}", ""]
    nb_trace = getattr(exc, "traceback", None)
    if isinstance(nb_trace, list):  # papermill: the error happened inside a notebook
        lines.append(f"笔记本内的出错位置（第{getattr(exc, 'exec_count', '?')}个单元格）：")
        frames = [_ANSI.sub("", t) for t in nb_trace]
        raw = str(getattr(exc, "evalue", ""))
        lines += [f.replace(raw, message) if raw else f for f in frames[:-1]]
        lines.append(f"{_ename(exc)}: {message}")
    else:
        for fs in traceback.extract_tb(exc.__traceback__):
            lines.append(f'  File "{fs.filename}", line {fs.lineno}, in {fs.name}')
            if fs.line:
                lines.append(f"    {fs.line}")
        lines.append(f"{_ename(exc)}: {message}")
    path = _log_dir() / f"kit-error-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.log"
    # the home folder is often named after the user: shown as ~ (kit.privacy)
    path.write_text("\n".join(lines).replace(str(Path.home()), "~") + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kit", description="党建引领项目评估工具包")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="识别导出文件并检查数据质量")
    c.add_argument("export", help="导出文件或调查项目文件夹")
    c.add_argument("--codes", help="问卷星按序号文件（与按文本文件成对）")
    c.add_argument("--questionnaire", help="问卷定义 questionnaire.yml")
    c.set_defaults(func=_check)
    w = sub.add_parser("new", help="从下载的导出文件新建调查项目")
    w.add_argument("name", help="项目名称（surveys/ 下的文件夹名），如 my-survey")
    w.add_argument("exports", nargs="+", help="导出文件，或放着导出文件的文件夹；问卷星按文本、按序号两个文件一起给出")
    w.add_argument("--indicators", help="绩效自评指标表（Excel，可选）")
    w.add_argument("--title", help="项目名称（默认取导出文件名中的问卷标题）")
    w.add_argument("--force", action="store_true", help="项目已存在时重新生成 project.yml 和 questionnaire.yml")
    w.set_defaults(func=_new)
    cb = sub.add_parser("codebook", help="问卷定义与 Excel 工作簿互转")
    cb.add_argument("action", choices=["export", "import"], help="export 导出为 Excel；import 从 Excel 读回")
    cb.add_argument("target", help="项目文件夹（surveys/项目名）或 questionnaire.yml")
    cb.add_argument("--workbook", help="工作簿路径（默认为项目文件夹中的 问卷定义.xlsx）")
    cb.add_argument("--force", action="store_true", help="export：覆盖已有工作簿；import：覆盖此后改过的 questionnaire.yml")
    cb.set_defaults(func=_codebook)
    i = sub.add_parser("init-questionnaire", help="从导出文件起草问卷定义")
    i.add_argument("export")
    i.add_argument("--codes")
    i.add_argument("--title")
    i.add_argument("-o", "--output")
    i.add_argument("--force", action="store_true")
    i.set_defaults(func=_init_questionnaire)
    n = sub.add_parser("init-indicators", help="生成空白的自评指标表和评价办法")
    n.add_argument("--framework", required=True, choices=["2013", "2020", "2020-self"],
                   help="2013 投入/过程/产出/效果；2020 决策/过程/产出/效益；2020-self 单位自评表")
    n.add_argument("--project", help="调查项目（名称或文件夹）：写入该项目，并在 project.yml 中加上 indicators:、"
                   "method: 和 03_self_assessment")
    n.add_argument("-o", "--output", default=".", help="写入的文件夹（默认当前文件夹）")
    n.add_argument("--force", action="store_true")
    n.set_defaults(func=_init_indicators)
    r = sub.add_parser("report", help="运行项目的笔记本，生成报告")
    r.add_argument("project", nargs="?", default="surveys/poverty-alleviation")
    r.add_argument("--out")
    r.add_argument("--quiet", action="store_true")
    r.set_defaults(func=_report)
    pp = sub.add_parser("pepper", help="项目的哈希密钥 pepper：生成、导出、导入")
    pps = pp.add_subparsers(dest="action", required=True)
    x = pps.add_parser("new", help="为项目生成 pepper，并在 project.yml 中记下它的编号")
    x.add_argument("project")
    x = pps.add_parser("export", help="导出 pepper，另行交给同事（不要与数据一起传送）")
    x.add_argument("project")
    x.add_argument("-o", "--output", help="写入文件（默认显示在屏幕上）")
    x = pps.add_parser("import", help="导入同事交来的 pepper")
    x.add_argument("source", help="pepper 文件，或 - 从标准输入读取")
    x = pps.add_parser("status", help="项目是否设有 pepper、本机是否已有")
    x.add_argument("project")
    pp.set_defaults(func=_pepper)
    f = sub.add_parser("fonts", help="图表使用的中文字体")
    f.set_defaults(func=_fonts)
    args = p.parse_args(argv)
    try:
        return args.func(args)
    except KitError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except Exception as exc:  # the one broad except: anything not a KitError is a bug in the kit
        log = write_bug_log(exc, sys.argv[1:] if argv is None else argv)
        print(f"程序错误，请报告：运行中出现了工具包没有预料到的错误（{_ename(exc)}）。这不是您的数据或设置"
              f"引起的已知问题；详细的出错位置已写入 {log}（只含程序的出错位置，不含数据内容），"
              "报告时请附上该文件", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
