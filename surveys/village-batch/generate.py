"""Generate the synthetic 100-village batch (fixed seed): one indicator sheet per village.

SYNTHETIC DATA. A county scores its 100 villages' 党建引领 work with one method (村级党建引领
工作考核办法: 组织建设 30, 集体经济 30, 治理服务 25, 群众满意 15; 优秀/良好/合格/不合格). Each
village is a sheet of eight indicators with its own actual values and, where it lost points, a
reason. Two villages (东湖村 and 西湖村) are planted with identical values, so the league table
has to show a tie.

Writes villages.xlsx. Run:  python surveys/village-batch/generate.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kit.selfassessment import write_indicator_workbook

HERE = Path(__file__).resolve().parent
SEED = 20231231
VILLAGES = [f"{a}{b}村" for a in "东西南北中上下前后新" for b in "湖山河田桥岗塘庄坪岭"]   # 100
TWINS = ("东湖村", "西湖村")


def village_rows(rng) -> list[tuple]:
    income = round(float(rng.uniform(5, 15)), 1)
    disputes = round(float(rng.uniform(85, 100)), 1)
    sat = round(float(rng.uniform(82, 99)), 1)
    ledger = int(rng.choice([0, 0, 0, 1, 2, 3]))
    meetings = bool(rng.uniform() > 0.1)
    band = str(rng.choice(["达成", "达成", "部分达成"]))
    open_ok = bool(rng.uniform() > 0.08)
    site = bool(rng.uniform() > 0.05)
    level = None if band == "达成" else round(float(rng.uniform(6, 8)), 1)
    why = "；已列入整改台账，限期整改到位。"
    return [
        ("组织建设", None, "三会一课落实", 10, "定性", "是否", "是", "是" if meetings else "否", None,
         None if meetings else "支部党员大会未按季度召开" + why, "会议记录"),
        ("组织建设", None, "党员发展与教育", 10, "定性", "三档", "全面完成", band, level,
         None if band == "达成" else "党员冬训参训率偏低" + why, "培训台账"),
        ("组织建设", None, "阵地建设达标", 10, "定性", "是否", "是", "是" if site else "否", None,
         None if site else "党群服务中心功能室未达标" + why, "验收单"),
        ("集体经济", None, "集体经营性收入", 20, "定量", "比例", "10万元", f"{income}万元", None,
         None if income >= 10 else "村集体产业项目收益未达预期" + why, "收入台账"),
        ("集体经济", None, "资产台账规范", 10, "定量", "扣分:2", "0次", str(ledger), None,
         None if ledger == 0 else f"资产台账登记不全{ledger}处" + why, "审计意见"),
        ("治理服务", None, "矛盾纠纷化解率", 15, "定量", "比例", "95%", f"{disputes}%", None,
         None if disputes >= 95 else "部分纠纷上交乡镇调处" + why, "调解台账"),
        ("治理服务", None, "村务公开", 10, "定性", "是否", "是", "是" if open_ok else "否", None,
         None if open_ok else "财务公开不及时" + why, "公开栏照片"),
        ("群众满意", None, "群众满意度", 15, "定量", "阈值", "90%", f"{sat}%", None,
         None if sat >= 90 else "群众对环境整治满意度偏低" + why, "入户调查"),
    ]


def main(out: Path = HERE) -> Path:
    rng = np.random.default_rng(SEED)
    rows = {v: village_rows(rng) for v in VILLAGES}
    rows[TWINS[1]] = rows[TWINS[0]]
    return write_indicator_workbook(out / "villages.xlsx", rows, merge_levels=False,
                                    creator="xx县委组织部 (synthetic sample)")


if __name__ == "__main__":
    print(main())
