"""Planted personal data: a 问卷星 按文本 export with names, phones (written every way),
身份证 numbers, addresses, e-mails, IPs and an OpenID in every kind of field -- metadata, custom
fields, option labels, 〖其他〗 texts, fill-in blanks, free text and the file name -- is drafted
into a codebook, checked and reported on, from a project kept in a home folder named after a
person. Every output, log, cache and the drafted codebook are then searched: nothing planted
may be found.

The planted names come from a list disjoint from the detector's dictionary (no name below is a
word of jieba's dictionary; the test asserts it), so they are found by the detector's rules, not
looked up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]

# names that are not words of jieba's dictionary (asserted below)
HOUSEHOLD = ["冯二狗", "汤雨萱", "郝建军", "邬桂兰", "滕玉凤", "殷德胜", "毕红霞", "倪振东",
             "罗翠萍", "岑秋生", "廉志刚", "鲍德福"]
NOMINEES = ["欧阳秀梅", "柏青松", "宁小雨"]
IN_TEXT = ["薛长根", "雷金凤", "袁德水", "任冬梅", "俞海平", "凤永福", "苗翠英", "马金宝", "鲁大勇",
           "彭慧敏", "范秋菊", "葛长顺"]
HOME_OWNER = "覃海燕"           # the user's home folder
FILE_NAME_PERSON = "蒋文杰"      # in the export's file name
FILE_NAME_PHONE = "13900001111"
NICKNAME_PERSON = "钟离春"
NAMES = HOUSEHOLD + NOMINEES + IN_TEXT + [HOME_OWNER, FILE_NAME_PERSON, NICKNAME_PERSON]


def _id_card(first17: str) -> str:
    """A valid 18-digit 身份证 number (GB 11643-1999 check digit)."""
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * k for d, k in zip(first17, w)) % 11]


ID1 = _id_card("34010419900101123")
ID2 = _id_card("34012219851231002")
# (as written in the export, digits that must not appear anywhere)
PHONES = [
    ("138 0013 8000", "13800138000"), ("138-0013-8001", "13800138001"),
    ("+86 138 0013 8002", "13800138002"), ("＋８６　１３８００１３８００３", "13800138003"),
    ("(0564)3312301", "05643312301"), ("010 12345678", "01012345678"),
    ("0551-65432109", "055165432109"), ("13800138004", "13800138004"),
    ("１３９１２３４５６７８", "13912345678"),
]
IDS = [(f"{ID1[:6]} {ID1[6:14]} {ID1[14:]}", ID1), (ID2, ID2)]
EMAIL = "chunhua.wei@example.com"
IPV6 = "240e:3a1:4c0b:2e00::1"
IPV4 = "183.192.16.69"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
ADDRESSES = ["合肥市蜀山区幸福路88号", "东湖村三组17号", "城关镇和平街6号院"]
N = 30


def _planted() -> list[str]:
    out = list(NAMES) + [e for _, e in PHONES] + [w for w, _ in PHONES] + [i for _, i in IDS]
    out += [w for w, _ in IDS] + [EMAIL, IPV6, IPV4, OPENID, FILE_NAME_PHONE] + ADDRESSES
    out += ["幸福路88号", "三组17号", "和平街6号"]
    return out


def test_planted_names_are_not_dictionary_words():
    from kit.privacy.names import _jieba

    freq = _jieba()[2]
    assert [n for n in NAMES if freq.get(n, 0)] == []


def _write_export(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "户主姓名", "家庭住址",
               "备注", "1、您所在的村 (单选题)", "2、您对村党组织工作的总体满意度 (单选题)",
               "3、您了解政策的渠道 (多选题)", "4、(1)户主姓名___", "(2)联系电话___",
               "(3)其他情况___", "5、您推荐的优秀党员 (单选题)",
               "6、您对村党组织工作还有什么意见和建议 (填空题)"])
    sat = ["非常满意", "满意", "一般", "满意", "非常满意", "不满意"]
    free = [
        "户主{n}反映路灯坏了，电话{p}", "{n}说村里的路还没修好，身份证{i}", "联系人：{n}，邮箱 " + EMAIL,
        "我叫{n}，希望多开展活动", "请{n}书记多来看看", "感谢{n}同志的帮助，有事打{p}",
        "村民{n}家的房子漏雨", "今天看到{n}在修路", "建议{n}多关心老人", "{n}",
        "我的IP是" + IPV6 + "，网速太慢", "希望多组织技能培训",
    ]
    for i in range(N):
        n, ph, idc = IN_TEXT[i % len(IN_TEXT)], PHONES[i % len(PHONES)][0], IDS[i % 2][0]
        village = ["东湖村", "西湖村", f"其他〖{HOUSEHOLD[i % 12]}家在新村〗"][i % 3]
        channel = "村广播┋入户宣传" if i % 4 else f"微信群┋其他〖联系人{HOUSEHOLD[(i + 3) % 12]}，电话{ph}〗"
        ws.append([i + 1, f"2024/5/{1 + i % 28} 9:{i % 60:02d}:00", f"{120 + i}秒", "微信",
                   f"朋友圈（{NICKNAME_PERSON}分享）" if i % 5 == 0 else
                   f"https://www.wjx.cn/jq/1.aspx?openid={OPENID}",
                   f"{IPV6 if i % 2 else IPV4}(安徽-合肥)", HOUSEHOLD[i % 12],
                   ADDRESSES[i % 3], f"户主{HOUSEHOLD[i % 12]}，手机{ph}，身份证{idc}",
                   village, sat[i % 6], channel, HOUSEHOLD[(i + 1) % 12], ph,
                   f"{IN_TEXT[(i + 2) % 12]}家有困难，联系{PHONES[(i + 1) % len(PHONES)][0]}",
                   NOMINEES[i % 3], free[i % len(free)].format(n=n, p=ph, i=idc)])
    wb.save(path)


def _run(args, env, cwd):
    p = subprocess.run([sys.executable, "-m", "kit", *args], capture_output=True, text=True,
                       env=env, cwd=cwd, timeout=900)
    return p


def _texts(folder: Path):
    """(where, text) of every file under ``folder``; Office files unzipped."""
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        data = p.read_bytes()
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(p) as z:
                for name in z.namelist():
                    yield f"{p}!{name}", z.read(name).decode("utf-8", "replace")
        else:
            yield str(p), data.decode("utf-8", "replace")
        yield f"{p} (path)", str(p.relative_to(folder))


def _found(texts, planted):
    hits = []
    for where, text in texts:
        for s in planted:
            if s in text:
                hits.append((where, s))
    return hits


def test_planted_personal_data_never_leaves_the_loader(tmp_path):
    home = tmp_path / "home" / HOME_OWNER
    project = home / "评估项目" / "入户调查"
    raw = project / "raw"
    raw.mkdir(parents=True)
    export = raw / f"{FILE_NAME_PERSON}_{FILE_NAME_PHONE}_按文本_入户调查_{N}_{N}.xlsx"
    _write_export(export)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(tmpdir),
           "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR", str(Path.home() / ".config" / "matplotlib")),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_CACHE_HOME": str(home / ".cache")}
    env.pop("JUPYTER_RUNTIME_DIR", None)
    logs = []

    # 1. a drafted codebook, edited as an evaluator would (groups, overall question)
    draft = project / "questionnaire.yml"
    p = _run(["init-questionnaire", str(export), "-o", str(draft)], env, home)
    logs.append(("init-questionnaire", p.stdout + p.stderr))
    assert p.returncode == 0, p.stderr
    drafted = draft.read_text(encoding="utf-8")
    d = yaml.safe_load(drafted)
    q1 = next(q for q in d["questions"] if q.get("number") == 1)
    q2 = next(q for q in d["questions"] if q.get("number") == 2)
    d["groups"] = [q1["id"]]
    q2["role"] = "overall"
    draft.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (project / "project.yml").write_text(
        "title: 入户调查（含个人信息的测试数据）\norganisation: 测试\nperiod: 2024年\n"
        "questionnaire: questionnaire.yml\nwaves:\n  - id: w1\n    label: 第一轮\n"
        f"    export: raw/{export.name}\nnotebooks: [01_load_and_check, 02_satisfaction]\n",
        encoding="utf-8")

    # 2. kit check and kit report
    p = _run(["check", str(project)], env, home)
    logs.append(("check", p.stdout + p.stderr))
    assert p.returncode == 0, p.stderr
    out = home / "reports" / "入户调查"
    p = _run(["report", str(project), "--out", str(out), "--quiet"], env, home)
    logs.append(("report", p.stdout + p.stderr))
    assert p.returncode == 0, p.stdout + p.stderr
    assert (out / "manifest.json").exists() and not (out / "未完成.txt").exists()

    # 3. the loaded responses themselves
    import kit

    proj = kit.load_project(project)
    r = proj.load()
    loaded = [("Responses.data", r.data.astype(str).to_csv()),
              ("Responses.data columns", " ".join(r.data.columns)),
              ("Responses.questions", r.questions.astype(str).to_csv()),
              ("Responses.info", json.dumps(r.info.__dict__, ensure_ascii=False, default=str)),
              ("Responses.questionnaire", kit.questionnaire.dump_questionnaire(r.questionnaire))]

    planted = _planted()
    searched = list(_texts(out)) + list(_texts(tmpdir)) + [("drafted codebook", drafted)]
    searched += [(f"log of kit {k}", v) for k, v in logs] + loaded
    searched += [(f"{p} (cache)", t) for p, t in _texts(home / ".cache")] if (home / ".cache").exists() else []
    hits = _found(searched, planted)
    assert hits == [], hits[:20]
    # the outputs are there and were searched: the workbooks, both executed notebooks, charts
    names = {Path(w.split("!")[0]).name for w, _ in searched}
    assert {"质量检查.xlsx", "满意度分析.xlsx", "01_load_and_check.ipynb", "02_satisfaction.ipynb",
            "manifest.json"} <= names
    # and the masking left the answers readable: free text kept, names replaced
    assert r.data["q6"].str.contains("〔姓名已隐去〕").sum() >= 8
    assert r.data["q6"].str.contains("希望多组织技能培训", regex=False).any()
    # the nominees (option labels that are names) are masked in the draft, yet read as options
    assert r.data["q5"].notna().all() and r.data["q5"].nunique() == 3
