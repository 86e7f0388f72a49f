"""Write the sample department evaluation table (2020 framework, with a failed veto).

SYNTHETIC SAMPLE. A county organisation department's evaluation of its 2022 village
collective-economy support funds on 决策/过程/产出/效益 (财预〔2020〕10号), with the local
grade names 好/较好/一般/较差 and a 一票否决 indicator (no misuse of funds) that failed: one
village diverted 3万元 to pay cadres' allowances. The points add up to 86.5 (较好 on points),
but the failed veto caps the grade at the lowest, 较差.

By hand: 决策 20 (10 + 10); 过程 14.5 (资金到位率 10 x 0.95 = 9.5; 财务管理 10 - 5 x 1 = 5);
产出 28 (15 + 13, the evaluator's level within the 达成 band of 12-15); 效益 24 (10 x 40/50 = 8;
16, within the 达成 band of 16-20). Total 20 + 14.5 + 28 + 24 = 86.5.

Run:  python surveys/department-evaluation/make_indicators.py
"""

from __future__ import annotations

from pathlib import Path

from kit.selfassessment import write_indicator_workbook

HERE = Path(__file__).resolve().parent
ROWS = [
    ("决策", "项目立项（10分）", "立项依据充分性", 10, "定性", "是否", "是", "是", None, None,
     "依据县委关于发展壮大村级集体经济的实施意见立项。"),
    ("决策", "绩效目标（10分）", "绩效目标合理性", 10, "定性", "是否", "是", "是", None, None,
     "绩效目标与年度任务匹配，经财政部门审核。"),
    ("过程", "资金管理（20分）", "资金到位率", 10, "定量", "比例", "100%", "95%", None,
     "省级补助资金50万元中2.5万元于次年1月到位；已与财政部门建立按季拨付机制。", "资金拨付凭证。"),
    ("过程", "资金管理（20分）", "财务管理规范性", 10, "定量", "扣分:5", "0次", "1", None,
     "1个村挪用3万元发放村干部补贴，已追回并问责。", "审计发现问题清单。"),
    ("过程", "资金管理（20分）", "资金使用合规（一票否决）", 0, "定性", "一票否决", "是", "否", None,
     "同上：1个村挪用专项资金3万元，按办法一票否决。", "审计报告。"),
    ("产出", None, "扶持村项目实施数", 15, "定量", "比例", "30个", "30个", None, None, "项目验收单。"),
    ("产出", None, "项目建设质量", 15, "定性", "三档", "全部达标", "达成", 13,
     "2个项目附属设施未完工，按达成档下限以上评分；已列入下年整改。", "验收意见。"),
    ("效益", None, "村集体经营性收入增长", 10, "定量", "比例", "50万元", "40万元", None,
     "受农产品价格下跌影响，收益低于预期；调整产业结构。", "村集体收入台账。"),
    ("效益", None, "带动农户增收", 20, "定性", "三档", "明显", "达成", 16,
     "带动效果较好，但受益农户覆盖面有待扩大。", "入户调查。"),
]


def main(out: Path = HERE) -> Path:
    return write_indicator_workbook(out / "indicators.xlsx", {"评价指标": ROWS}, merge_levels=False,
                                    creator="xx县委组织部 (synthetic sample)")


if __name__ == "__main__":
    print(main())
