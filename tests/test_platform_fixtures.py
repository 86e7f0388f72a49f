"""KoboToolbox, 腾讯问卷, 问卷网 and the generic path on fixtures in the platforms' real layouts
(tests/fixtures/platforms/README.md cites the public export each copies).

Every expected value is computed here from the raw fixture with ``csv``/``openpyxl`` and the
standard library (``datetime.fromisoformat`` for offsets, ``statistics.median`` for the
speeder threshold, ``Decimal`` sums), never through the kit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from kit import load_export
from kit.fieldwork import enumerator_checks, interviews_per_day
from kit.questionnaire import dump_questionnaire
from kit.tables import recognition_table, write_quality_workbook

UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def fix(fixtures):
    return fixtures / "platforms"


def raw(path, delimiter=",", encoding="utf-8", skip=0):
    """Header and rows of a CSV fixture, as lists of strings (the header may repeat a title)."""
    with open(path, encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh, delimiter=delimiter))
    return rows[0], rows[1 + skip:]


def col(head, rows, title, k=0):
    j = [i for i, h in enumerate(head) if h == title][k]
    return [r[j] for r in rows]


def labels_of(r, qid):
    """Counts of a choice question's answers in the kit's data, by option label."""
    q = r.questionnaire.by_id()[qid]
    by = {(o.score if q.has_scores else o.code): o.label for o in q.options}
    return Counter(by[v] for v in r.data[qid].dropna())


def outputs(r, tmp_path) -> str:
    """Everything the kit hands on from a load: data, questions, missing kinds, notes,
    repeats, the drafted codebook, the recognition and quality workbook."""
    book = write_quality_workbook(r, tmp_path / "质量检查.xlsx")
    wb = load_workbook(book)
    cells = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    parts = [r.data.astype(str).to_csv(), r.questions.astype(str).to_csv(),
             r.missing.astype(str).to_csv(), "\n".join(r.info.notes), dump_questionnaire(r.questionnaire),
             recognition_table(r).to_csv(), r.exclusion_sentence(), "\n".join(cells)]
    for name, rep in r.repeats.items():
        parts += [rep.astype(str).to_csv(), r.repeat_questions[name].astype(str).to_csv()]
    return "\n".join(parts)


def assert_absent(text, values):
    leaked = [v for v in values if v and v in text]
    assert not leaked, f"personal values in the output: {leaked[:5]}"


def speeder_threshold(durations):
    return statistics.median(durations) / 3


# ------------------------------------------------------------------------- KoboToolbox KPI
def test_kobo_kpi_labels_export(fix, tmp_path):
    path = fix / "kobo_kpi_labels_semicolon.csv"
    head, rows = raw(path, delimiter=";", skip=1)          # row 2 holds HXL hashtags
    r = load_export(path)
    assert r.info.platform == "kobo" and r.n_total == len(rows) == 12
    assert any("HXL" in n for n in r.info.notes)

    # choice questions: counts per option, from the raw labels
    assert labels_of(r, "q1") == Counter(col(head, rows, "受访户信息/所在村"))
    assert r.questionnaire.by_id()["q5"].type == "scale"
    assert labels_of(r, "q5") == Counter(col(head, rows, "您对村务公开的满意度"))
    # select_multiple: ticked counts and unanswered rows from the 0/1 columns
    for opt in ("党课", "志愿服务", "主题党日"):
        raw_opt = col(head, rows, f"参加过的活动/{opt}")
        assert int(r.data[f"q6__{opt}"].sum()) == raw_opt.count("1")
        assert int(r.data[f"q6__{opt}"].isna().sum()) == raw_opt.count("")
        assert (r.missing.loc[[i for i, v in enumerate(raw_opt) if v == ""], f"q6__{opt}"]
                == "blank").all()
    # measurements are numbers, not options: no 答案超出选项范围
    q = r.questionnaire.by_id()
    assert q["q2"].type == q["q3"].type == "number" and q["q4"].type == "date"
    assert Decimal(str(r.data["q3"].sum())) == sum(Decimal(v) for v in col(
        head, rows, "受访户信息/人均年收入（元）"))
    assert r.data["q2"].tolist() == [int(v) for v in col(head, rows, "受访户信息/家庭人口（人）")]
    assert [d.strftime("%Y-%m-%d") for d in r.data["q4"]] == col(head, rows, "走访日期")
    assert "out_of_range" not in ";".join(r.quality["reasons"])
    # the always-empty note column is not a question
    assert "说明：以下请受访者本人回答" not in set(r.questions["title"])
    # free text stays text; a blank answer is 'blank'
    comments = col(head, rows, "您对村里工作的意见建议")
    assert (r.missing.loc[[i for i, v in enumerate(comments) if v == ""], "q7"] == "blank").all()
    assert r.data.loc[2, "q7"] == comments[2]                 # a two-line answer kept whole

    # times: three phones' offsets (+08:00, -04:00, +06) to UTC, and the clock the phone showed
    for name, title in (("started_at", "start"), ("submitted_at", "end")):
        expected = [dt.datetime.fromisoformat(v) for v in col(head, rows, title)]
        assert [t.to_pydatetime() for t in r.data[name]] == [e.astimezone(UTC) for e in expected]
        assert [t.to_pydatetime() for t in r.data[f"{name}_local"]] == [
            e.replace(tzinfo=None) for e in expected]
    recv = [dt.datetime.fromisoformat(v).replace(tzinfo=UTC) for v in col(head, rows, "_submission_time")]
    assert [t.to_pydatetime() for t in r.data["received_at"]] == recv
    durations = [(dt.datetime.fromisoformat(e) - dt.datetime.fromisoformat(s)).total_seconds()
                 for s, e in zip(col(head, rows, "start"), col(head, rows, "end"))]
    assert r.data["duration_s"].tolist() == durations

    # valid count: only speeders go; enumerator and phone never exclude anyone
    thr = speeder_threshold(durations)
    assert r.n_valid == len(rows) - sum(d < thr for d in durations) == 10
    assert not r.quality["reasons"].str.contains("duplicate_id|duplicate_phone").any()
    assert r.data["response_id"].tolist() == [int(v) for v in col(head, rows, "_id")]

    # personal and device columns: hashed or dropped, in no output
    assert {"enumerator_hash", "device_hash"} <= set(r.data.columns)
    secrets = (col(head, rows, "username") + col(head, rows, "deviceid")
               + col(head, rows, "phonenumber") + col(head, rows, "住户位置")
               + col(head, rows, "_住户位置_latitude") + ["13800000999"])
    assert_absent(outputs(r, tmp_path), secrets)
    assert any("住户位置" in n and "定位" in n for n in r.info.notes)

    # per enumerator: interviews, days, most in one day, speeders
    chk = enumerator_checks(r)
    users = col(head, rows, "username")
    local_days = [v[:10] for v in col(head, rows, "start")]
    per_user = {u: [d for d, uu in zip(local_days, users) if uu == u] for u in set(users)}
    assert sorted(chk["n_interviews"]) == sorted(len(v) for v in per_user.values())
    assert sorted(chk["max_per_day"]) == sorted(max(Counter(v).values()) for v in per_user.values())
    assert sorted(chk["n_days"]) == sorted(len(set(v)) for v in per_user.values())
    fast_by_user = Counter(u for u, d in zip(users, durations) if d < thr)
    assert sorted(chk["n_speeders"]) == sorted(fast_by_user.get(u, 0) for u in per_user)
    assert int(interviews_per_day(r).to_numpy().sum()) == len(rows)


# ---------------------------------------------------------------------- legacy KoBoCAT
def test_kobo_legacy_dot_groups_one_phone(fix, tmp_path):
    path = fix / "kobo_kobocat_legacy_dot.csv"
    head, rows = raw(path)
    r = load_export(path)
    assert r.info.platform == "kobo" and "KoBoCAT" in r.info.era
    # six interviews on one phone by two enumerators: nobody is a duplicate respondent
    assert r.n_total == r.n_valid == len(rows) == 6
    assert len(set(col(head, rows, "deviceid"))) == 1
    # '.' groups and True/False option columns
    for opt in ("clinic", "school", "market"):
        assert int(r.data[f"services__{opt}"].sum()) == col(head, rows, f"services.{opt}").count("True")
    assert labels_of(r, "village") == Counter(col(head, rows, "hh.village"))
    # n/a: not relevant, i.e. skipped; decimals are numbers
    income = col(head, rows, "hh.income")
    assert [r.missing.loc[i, "income"] for i, v in enumerate(income) if v == "n/a"] == ["skipped"]
    assert Decimal(str(r.data["income"].sum())) == sum(Decimal(v) for v in income if v != "n/a")
    assert (r.missing.loc[[i for i, v in enumerate(col(head, rows, "sat.reason")) if v == "n/a"],
                          "reason"] == "skipped").all()
    # offsets '+08' (hours only), '+08:00', '+06:00'
    starts = [dt.datetime.fromisoformat(v) for v in col(head, rows, "start")]
    assert [t.to_pydatetime() for t in r.data["started_at"]] == [s.astimezone(UTC) for s in starts]
    # the flattened repeat group: one row per filled instance, linked to its household
    mem = r.repeats["members"]
    expected = [(i, row[head.index(f"members[{k}].member_age")]) for i, row in enumerate(rows)
                for k in (1, 2) if row[head.index(f"members[{k}].member_age")] != "n/a"]
    assert list(zip(mem["response_row"], mem["member_age"].astype(int).astype(str))) == expected
    names = [row[head.index(f"members[{k}].member_name")] for row in rows for k in (1, 2)]
    assert "member_name_hash" in mem
    assert_absent(outputs(r, tmp_path), [n for n in names if n != "n/a"]
                  + col(head, rows, "gps") + col(head, rows, "deviceid")
                  + col(head, rows, "simserial") + col(head, rows, "subscriberid") + ["13800000888"])


# ------------------------------------------------------------------- KPI XLSX repeats
def test_kobo_xlsx_repeat_sheets(fix, tmp_path):
    path = fix / "kobo_kpi_repeats.xlsx"
    wb = load_workbook(path)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    main_name, member_sheet, job_sheet = list(sheets)
    r = load_export(path)
    assert r.n_total == len(sheets[main_name]) - 1 == 3
    assert set(r.repeats) == {"grp_member", "grp_job"}
    main_head = sheets[main_name][0]
    row_of_index = {row[main_head.index("_index")]: i for i, row in enumerate(sheets[main_name][1:])}
    mh, *mrows = sheets[member_sheet]
    mem = r.repeats["grp_member"]
    assert len(mem) == len(mrows)
    assert mem["response_row"].tolist() == [row_of_index[row[mh.index("_parent_index")]] for row in mrows]
    assert mem["member_age"].tolist() == [row[mh.index("grp_member/member_age")] for row in mrows]
    jh, *jrows = sheets[job_sheet]
    member_row = {row[mh.index("_index")]: row_of_index[row[mh.index("_parent_index")]] for row in mrows}
    jobs = r.repeats["grp_job"]
    assert jobs["response_row"].tolist() == [member_row[row[jh.index("_parent_index")]] for row in jrows]
    assert any("grp_member" in n for n in r.info.notes) and any("grp_job" in n for n in r.info.notes)
    # offsets +08:00 and +03:00 in one file
    starts = [dt.datetime.fromisoformat(row[main_head.index("start")]) for row in sheets[main_name][1:]]
    assert [t.to_pydatetime() for t in r.data["started_at"]] == [s.astimezone(UTC) for s in starts]
    names = [row[mh.index("grp_member/member_name")] for row in mrows]
    users = [row[main_head.index("username")] for row in sheets[main_name][1:]]
    assert_absent(outputs(r, tmp_path), names + users)


# ---------------------------------------------------------------------------- 腾讯问卷
def _strip(v):
    return v.split(".", 1)[1] if len(v) > 2 and v[0].isupper() and v[1] == "." else v


def test_tencent_current_export(fix, tmp_path):
    path = fix / "tencent_current.csv"
    head, rows = raw(path)
    r = load_export(path)
    assert r.info.platform == "tencent" and r.n_total == len(rows) == 8
    q = r.questionnaire.by_id()
    # letter-prefixed options: labels without letters, codes by letter, a scale recognised
    assert [o.label for o in q["q1"].options] == ["党员", "群众"]
    assert labels_of(r, "q1") == Counter(_strip(v) for v in col(head, rows, "1.您的身份"))
    assert q["q2"].type == "scale" and q["q6"].type == "matrix"
    assert labels_of(r, "q2") == Counter(_strip(v) for v in col(head, rows, "2.您对村务公开的满意度"))
    # one column per option of the multi-select, filled when ticked; its 其他 box is text
    for opt in ("党课", "志愿服务", "主题党日"):
        assert int(r.data[f"q3__{opt}"].sum()) == sum(v != "" for v in col(head, rows, f"3.您参加过哪些活动？:{opt}"))
    other = col(head, rows, "3.您参加过哪些活动？:其他____{fillblank-7f3a}")
    assert r.data["q3_other_1"].fillna("").tolist() == other
    # the cascading picker: one question, a column per level
    assert q["q4"].type == "cascade" and [row.label for row in q["q4"].rows] == ["第1级", "第2级", "第3级"]
    for k in range(3):
        assert r.data[f"q4_{k + 1}"].fillna("").tolist() == col(head, rows, "4.最近一次入户走访日期:请选择", k)
    assert (r.missing.loc[[i for i, v in enumerate(col(head, rows, "4.最近一次入户走访日期:请选择"))
                           if v == ""], "q4_1"] == "blank").all()
    # two blanks of one question
    assert r.data["q5_1"].tolist() == col(head, rows, "5.您的居住地址_填空1")
    # places evaluators group by; the country kept as country
    assert r.data["province"].fillna("").tolist() == col(head, rows, "地理位置省")
    assert r.data["city"].fillna("").tolist() == col(head, rows, "地理位置市")
    assert "region" not in r.data and r.data["country"].dropna().unique().tolist() == ["中国"]
    # the same WeChat user twice: the later one is a duplicate; plus speeders
    oids = col(head, rows, "用户标识")
    durs = [float(v) for v in col(head, rows, "答题时长")]
    thr = speeder_threshold(durs)
    dup = [i for i, o in enumerate(oids) if o in oids[:i]]
    fast = [i for i, d in enumerate(durs) if d < thr]
    assert r.n_valid == len(rows) - len(set(dup) | set(fast)) == 7
    # satisfied share of the valid answers: 非常满意 + 满意
    valid = [i for i in range(len(rows)) if i not in set(dup) | set(fast)]
    sat = [_strip(col(head, rows, "2.您对村务公开的满意度")[i]) for i in valid]
    assert r.satisfied("q2").sum() == sum(s in ("非常满意", "满意") for s in sat)
    # times as written, no offsets
    assert r.data["started_at"].tolist() == [pd.Timestamp(v) for v in col(head, rows, "开始答题时间")]
    # personal: OpenID and nickname hashed (the OpenID like a respondent ID), IP hashed,
    # UA dropped; the phone question hashed, its non-phone answer left out of the hash
    assert {"respondent_id_hash", "nickname_hash", "ip_hash", "q7_hash"} <= set(r.data.columns)
    assert r.data["q7_hash"].isna().sum() == sum(not v.startswith("138") for v in col(head, rows, "7.您的手机号"))
    text = outputs(r, tmp_path)
    assert_absent(text, oids + col(head, rows, "昵称") + col(head, rows, "IP") + col(head, rows, "UA")
                  + [v for v in col(head, rows, "7.您的手机号") if v.startswith("138")])
    assert any("用户标识→respondent_id_hash" in n for n in r.info.notes)
    assert any("UA" in n and "删除" in n for n in r.info.notes)


def test_tencent_excel_resave_loads_like_the_original(fix):
    a = load_export(fix / "tencent_current.csv")
    b = load_export(fix / "tencent_current_excel_resave.xlsx")
    answers = [c for c in a.data if c.startswith("q") or c.endswith("_hash")]
    pd.testing.assert_frame_equal(a.data[answers], b.data[answers], check_dtype=False)
    assert a.data["started_at"].tolist() == b.data["started_at"].tolist()
    assert a.n_valid == b.n_valid


def test_tencent_2021_layout(fix):
    path = fix / "tencent_2021_layout.csv"
    head, rows = raw(path)
    r = load_export(path)
    assert r.n_total == len(rows) == 6 and any("末尾空白列" in n for n in r.info.notes)
    assert r.data["response_id"].tolist() == [int(v) for v in col(head, rows, "编号")]  # newest first
    assert r.data["started_at"].tolist() == [
        dt.datetime.strptime(v, "%d-%b-%Y %H:%M:%S") for v in col(head, rows, "开始答题时间")]
    assert labels_of(r, "q2") == Counter(col(head, rows, "2.您对村党支部工作的总体评价"))
    assert r.data["province"].fillna("").tolist() == col(head, rows, "地理位置省")


# ------------------------------------------------------------------------------- 问卷网
def test_wenjuanwang_gb18030(fix, tmp_path):
    path = fix / "wenjuanwang_gb18030.csv"
    head, rows = raw(path, encoding="gb18030")
    r = load_export(path)
    assert r.info.platform == "wenjuanwang" and r.n_total == len(rows) == 9
    assert r.data["response_id"].tolist() == [int(v) for v in col(head, rows, "答题序号")]
    assert labels_of(r, "q5") == Counter(col(head, rows, "Q5"))
    assert r.questionnaire.by_id()["q5"].type == "scale"
    # free text spanning lines stays one text column, '→' and all
    assert r.questionnaire.by_id()["q7"].type == "text"
    assert r.data["q7"].fillna("").tolist() == col(head, rows, "Q7")
    assert r.data["province"].fillna("").tolist() == col(head, rows, "IP省份")
    assert r.data["duration_s"].tolist() == [float(v) for v in col(head, rows, "答题时长")]
    assert r.n_valid == r.n_total - sum(float(v) < speeder_threshold(
        [float(x) for x in col(head, rows, "答题时长")]) for v in col(head, rows, "答题时长"))
    emails = [v for v in col(head, rows, "Q2") if "@" in v]
    assert emails and "ip_hash" in r.data
    assert_absent(outputs(r, tmp_path), emails + col(head, rows, "IP地址"))


# ------------------------------------------------------------------------------ generic
def test_generic_path_free_text_and_phone_title(fix, tmp_path):
    path = fix / "wenjuanwang_gb18030.csv"
    _, rows = raw(path, encoding="gb18030")
    g = load_export(path, platform="generic")
    assert g.n_total == len(rows)
    # one column per question: free text with '→' is not a ranking of every answer
    assert len(g.data.columns) < 25
    assert (g.questions["type"] != "ranking").all()

    path = fix / "generic_phone_title.csv"
    head, rows = raw(path)
    r = load_export(path, platform="generic")
    phones = col(head, rows, "手机号")
    assert phones.count("好的") == 7
    # a 「手机号」 column answered 「好的」 holds no phone numbers: no duplicate phones, no exclusions
    assert r.n_valid == r.n_total == 8
    assert "duplicate_phone" not in ";".join(r.quality["reasons"])
    assert_absent(outputs(r, tmp_path), [p for p in phones if p != "好的"])
    assert r.questionnaire.by_id()["c3"].type == "text"


# ----------------------------------------------------------------------------- registry
def test_a_platform_is_one_module_and_one_registration(tmp_path, monkeypatch):
    """A new platform: a reader (detect + parse) and one register_platform call."""
    from kit.io import registry
    from kit.io.model import ParsedQuestion, Part
    from kit.io.platforms.common import new_parsed

    def parse(table):
        parsed = new_parsed(table, "toy", "text", "玩具平台")
        parsed.meta["response_id"] = table.body[0]
        parsed.questions = [ParsedQuestion(key="1", number=1, title="满意度", header=table.columns[1],
                                           structure="single",
                                           parts=[Part(header=table.columns[1], pos=1, text=table.body[1])],
                                           may_be_joined=False)]
        return parsed

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.register_platform("toy", label="玩具平台", parse=parse,
                               detect=lambda rows: rows[0][:1] == ["TOY编号"], order=5)
    f = tmp_path / "toy.csv"
    f.write_text("TOY编号,满意度\n1,满意\n2,非常满意\n3,满意\n", encoding="utf-8")
    r = load_export(f)
    assert r.info.platform == "toy" and "toy" in registry.platform_names()
    assert labels_of(r, "q1") == Counter({"满意": 2, "非常满意": 1})
    with pytest.raises(Exception, match="未知的问卷平台"):
        load_export(f, platform="nonesuch")


def test_cli_check_reads_every_platform_fixture(fix, capsys):
    from kit.cli import main

    for name in ("kobo_kpi_labels_semicolon.csv", "tencent_current.csv", "wenjuanwang_gb18030.csv",
                 "kobo_kpi_repeats.xlsx"):
        assert main(["check", str(fix / name)]) == 0
    out = capsys.readouterr().out
    assert "问卷网" in out and "KoboToolbox" in out and "oQx7w0" not in out


@pytest.mark.parametrize("name", ["tencent_current.csv", "kobo_kpi_labels_semicolon.csv",
                                  "kobo_kobocat_legacy_dot.csv", "wenjuanwang_gb18030.csv"])
def test_drafted_codebook_reads_the_export_back_the_same(fix, tmp_path, name):
    """number, date and cascade questions survive a drafted questionnaire.yml."""
    r = load_export(fix / name)
    dump_questionnaire(r.questionnaire, tmp_path / "q.yml")
    again = load_export(fix / name, questionnaire=tmp_path / "q.yml")
    cols = [c for c in r.data if not c.startswith("custom")]
    pd.testing.assert_frame_equal(r.data[cols], again.data[cols], check_dtype=False)
    assert again.n_valid == r.n_valid
