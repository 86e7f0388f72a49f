"""Generate the synthetic appraisal ledgers of a township (fixed seed).

SYNTHETIC DATA. Nothing here describes real people; members, cadres and branches are numbered.
- member_points.csv: 45 members' point records, 2021-2023 (积分制). Planted: 党员07 stays under 60
  points three years running; 党员12 often goes over the monthly cap; four bad records (an
  unknown member 党员99, a date in 2024, points written as 十, an item not in the method).
- cadre_quarterly.csv: 20 cadres over eight quarters (2022-2023). Planted: 村干部03 优秀 in four
  quarters running (commend), 村干部15 不称职 in three (replace).
- branches.csv and member_stars.csv: 12 branches' indicators for the star criteria, and the
  45 members' stars on 学习、敬业、效能、服务、自律 plus extra stars. Planted: 第五支部 fails the
  prerequisite (a disciplinary case), so it gets no star.
- inspections.csv: six inspection rounds of the 12 branches. Planted: 第九支部 in the bottom
  three in rounds 4 and 5; 第二支部 and 第六支部 tie in round 1.

Run:  python surveys/party-ledgers/generate.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20240315
MEMBERS = [f"党员{i:02d}" for i in range(1, 46)]
BRANCHES = [f"第{c}支部" for c in "一二三四五六七八九十"] + ["第十一支部", "第十二支部"]
MEMBER_BRANCH = {m: BRANCHES[i % 3] for i, m in enumerate(MEMBERS)}   # members in 3 branches
ITEMS = {"参加三会一课": 2, "志愿服务": 3, "结对帮扶": 4, "学习强国": 2}
POSTS = ["书记", "主任", "委员", "委员", "委员"]


def _csv(path: Path, header: list[str], rows: list[list]) -> Path:
    path.write_text(",".join(header) + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def point_rows(rng) -> list[list]:
    rows = []
    for m in MEMBERS:
        for y in (2021, 2022, 2023):
            for month in range(1, 13):
                n = 0 if (m == "党员07" and month % 3) else int(rng.integers(2, 6))
                if m == "党员12":
                    n += 3
                for _ in range(n):
                    item = str(rng.choice(list(ITEMS), p=[0.4, 0.15, 0.35, 0.1]))
                    rows.append([m, f"{y}-{month:02d}-{int(rng.integers(1, 28)):02d}", item, ITEMS[item], "签到表"])
        if rng.uniform() < 0.3:
            rows.append([m, f"2023-{int(rng.integers(1, 13)):02d}-15", "积分超市兑换", -int(rng.integers(5, 30)), "兑换单"])
    rows += [["党员99", "2022-05-10", "志愿服务", 3, "签到表"], ["党员03", "2024-02-01", "参加三会一课", 2, "签到表"],
             ["党员04", "2022-06-10", "志愿服务", "十", "签到表"], ["党员05", "2022-07-10", "打扫卫生", 2, "照片"]]
    return rows


def cadre_rows(rng) -> list[list]:
    rows = []
    for c in range(1, 21):
        name, post = f"村干部{c:02d}", POSTS[(c - 1) % 5]
        for k, (y, q) in enumerate((y, q) for y in (2022, 2023) for q in range(1, 5)):
            p = float(rng.normal(80, 6))
            if c == 3 and 2 <= k <= 5:
                p = float(rng.uniform(91, 97))
            if c == 15 and 3 <= k <= 5:
                p = float(rng.uniform(45, 58))
            rows.append([name, post, f"{y}Q{q}", round(min(max(p, 0), 100), 1)])
    return rows


def branch_rows(rng) -> list[list]:
    rows = []
    for b in BRANCHES:
        c22 = round(float(rng.uniform(5, 30)), 1)
        i22 = int(rng.integers(8000, 14000))
        rows.append([b, "否" if b == "第五支部" else "是", "是" if rng.uniform() > 0.2 else "否",
                     c22, round(c22 * float(rng.uniform(0.9, 1.3)), 1), i22, int(i22 * float(rng.uniform(0.95, 1.12))),
                     int(rng.integers(70, 98)), int(rng.choice([0, 0, 0, 1, 2])), round(float(rng.uniform(0.4, 0.9)), 2)])
    return rows


def member_star_rows(rng) -> list[list]:
    rows = []
    for m in MEMBERS:
        basics = ["是" if rng.uniform() < 0.8 else "否" for _ in range(5)]
        rows.append([m, MEMBER_BRANCH[m], *basics, int(rng.choice([0, 0, 0, 1, 2]))])
    return rows


def inspection_rows(rng) -> list[list]:
    rows = []
    for r in range(1, 7):
        for b in BRANCHES:
            s = round(float(rng.uniform(75, 98)), 1)
            if b == "第九支部" and r in (4, 5):
                s = round(float(rng.uniform(60, 70)), 1)
            if r == 1 and b in ("第二支部", "第六支部"):
                s = 88.5
            rows.append([b, r, s])
    return rows


def main(out: Path = HERE) -> list[Path]:
    rng = np.random.default_rng(SEED)
    return [
        _csv(out / "members.csv", ["党员", "支部"], [[m, MEMBER_BRANCH[m]] for m in MEMBERS]),
        _csv(out / "member_points.csv", ["党员", "日期", "项目", "积分", "佐证材料"], point_rows(rng)),
        _csv(out / "cadre_quarterly.csv", ["村干部", "岗位", "季度", "得分"], cadre_rows(rng)),
        _csv(out / "branches.csv", ["支部", "无违纪违法", "三会一课达标", "集体收入2022", "集体收入2023",
                                    "人均收入2022", "人均收入2023", "人居环境评分", "信访件数", "文明户比例"],
             branch_rows(rng)),
        _csv(out / "member_stars.csv", ["党员", "支部", "学习", "敬业", "效能", "服务", "自律", "突出贡献"],
             member_star_rows(rng)),
        _csv(out / "inspections.csv", ["支部", "轮次", "得分"], inspection_rows(rng)),
    ]


if __name__ == "__main__":
    print(main())
