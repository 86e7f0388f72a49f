"""``kit pepper``: make, hand over and receive a project's hashing key (pepper).

    kit pepper new surveys/<project>          make a pepper, keep it on this machine, and record its
                                              id (not the pepper) as ``pepper:`` in project.yml
    kit pepper export surveys/<project> [-o FILE]   show or write the pepper, to hand it over
    kit pepper import FILE|-                  keep a pepper received from a colleague
    kit pepper status surveys/<project>       does the project have one, does this machine

The pepper itself never enters the project folder, the repository or any output: it is kept
under ``~/.config/dangjian-kit/peppers/`` (readable by the user only) and handed over by another
route than the data (in person, by a separate message).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import ProjectError, read_yaml_mapping
from .paths import display_path, resolve
from .privacy.keys import (PepperError, check_pepper_text, find_pepper, new_pepper, pepper_id,
                           store_pepper)

__all__ = ["pepper_command", "read_pepper_file", "add_pepper"]

_HEADER = "# dangjian-kit pepper"


def _project(folder: str) -> tuple[Path, dict]:
    root = resolve(folder)
    py = root / "project.yml"
    return py, read_yaml_mapping(py, ProjectError, "找不到 project.yml (expected a survey project "
                                                   "folder)")


def add_pepper(py: Path) -> str:
    """Make a pepper, keep it on this machine, and record its id as ``pepper:`` at the end of
    ``py`` (project.yml); returns the id."""
    from .atomic import write_text

    pepper = new_pepper()
    store_pepper(pepper)
    pid = pepper_id(pepper)
    text = py.read_text(encoding="utf-8")
    write_text(py, text + ("" if text.endswith("\n") else "\n")
               + "# 哈希密钥 pepper 的编号（不是密钥本身，可以随项目提交）。密钥只保存在生成它的电脑上"
               "（~/.config/dangjian-kit/peppers/）；\n# 用 kit pepper export 导出，另行交给同事，"
               "对方用 kit pepper import 导入。\n"
               f"pepper: {pid}\n")
    return pid


def read_pepper_file(text: str) -> str:
    """The pepper in an exported file (comment lines ignored)."""
    lines = [x.strip() for x in text.splitlines() if x.strip() and not x.strip().startswith("#")]
    if len(lines) != 1:
        raise PepperError("pepper 文件应只有一行密钥（以 # 开头的说明行除外）")
    return check_pepper_text(lines[0])


def pepper_command(args) -> int:
    action = args.action
    if action == "import":
        text = sys.stdin.read() if args.source == "-" else Path(args.source).read_text(
            encoding="utf-8")
        pepper = read_pepper_file(text)
        path = store_pepper(pepper)
        print(f"已导入 pepper，编号 {pepper_id(pepper)}；保存在 {display_path(path)}（仅本用户可读）。"
              "project.yml 中写有 pepper: 这一编号的项目现在可以运行了。")
        return 0
    py, d = _project(args.project)
    pid = str(d["pepper"]).strip().lower() if d.get("pepper") is not None else None
    if action == "status":
        if pid is None:
            print("本项目没有设 pepper：哈希以本机盐值为密钥，只在本机可比；持有本机盐值的人可以用"
                  "枚举还原电话号码。处理真实数据前，请运行 kit pepper new。")
        else:
            have = find_pepper(pid) is not None
            print(f"本项目的 pepper 编号为 {pid}；本机{'已有' if have else '没有'}这一 pepper。"
                  + ("" if have else "请向项目负责人索取，并用 kit pepper import 导入。"))
        return 0
    if action == "new":
        if pid is not None:
            raise PepperError(f"本项目已设有 pepper（编号 {pid}）。换用新的 pepper 会使已有结果中的哈希与"
                              "新结果无法对应；如确需更换，请先从 project.yml 中删除 pepper: 一行", path=py)
        pid = add_pepper(py)
        print(f"已生成 pepper（编号 {pid}），并写入 {display_path(py)}。\n"
              "请用 kit pepper export 导出一份，妥善保存并另行交给需要运行本项目的同事：没有它，"
              "本项目在别的电脑上无法运行；持有它和原始数据的人可以还原电话号码。")
        return 0
    if action == "export":
        if pid is None:
            raise PepperError("本项目没有设 pepper；可用 kit pepper new 生成", path=py)
        pepper = find_pepper(pid)
        if pepper is None:
            raise PepperError(f"本机没有本项目的 pepper（编号 {pid}）", path=py)
        body = (f"{_HEADER}，编号 {pid}（项目 {py.parent.name}）。请另行传送，不要与数据放在一起；"
                "对方用 kit pepper import 本文件 导入。\n" + pepper + "\n")
        if args.output:
            out = Path(args.output).expanduser().resolve()
            from .paths import ROOT

            for inside in (ROOT.resolve(), py.parent.resolve()):
                if out == inside or inside in out.parents:
                    raise PepperError("pepper 不能写进仓库或项目文件夹（会随数据一起被提交或传送）；"
                                      "请写到别处，例如 U 盘或个人文件夹", path=out)
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
            print(f"已写入 {display_path(out)}（仅本用户可读）。")
        else:
            sys.stdout.write(body)
        return 0
    raise PepperError(f"未知的操作 {action}")
