"""Write the sample unit self-assessment table (2020-self framework) of this project.

SYNTHETIC SAMPLE. A township party committee's self-assessment of its 2021 budget for
党建引领乡村治理 on the unit self-assessment table of 财预〔2020〕10号: 预算执行率 10, 产出 50,
效益 30, 服务对象满意度 10, written the way the national form is filled in: the direction in the
target cell (≥12个, ≤90天), 评分方法 left blank where the direction says it, the qualitative
result as 部分达成预期指标. 预算执行率 is not a row: project.yml's funding: scores it.
Expected, by hand: 预算执行率 10 x 92/100 = 9.2 (funding: 全年预算数 90+10 = 100万元, 全年执行数
84+8 = 92万元); 产出 10 + 10 x 1380/1500 (9.2) + 8 + 5.4 (部分达成) + 15 x 90/100 (13.5, ≤ lower
is better) = 46.1; 效益 10 + (10 - 2 x 1.5) + 10 = 27; 满意度 10; total 92.3 -> 优.

Run:  python surveys/unit-self-assessment/make_indicators.py
"""

from __future__ import annotations

from pathlib import Path

from kit.selfassessment import write_indicator_workbook

HERE = Path(__file__).resolve().parent
ROWS = [
    # 产出 50 (数量 20, 质量 15, 时效 15); a blank 评分方法 follows the direction in the target
    ("产出", "数量指标（20分）", "村级党群服务中心标准化改造", 10, "定量", None, "≥12个", "12个", None, None,
     "改造验收单12份。"),
    ("产出", "数量指标（20分）", "党员教育培训人次", 10, "定量", None, "≥1500人次", "1380人次", None,
     "受疫情影响2期集中培训改为线上，参训人次少于计划；下年度增设村级分班。", "培训签到表。"),
    ("产出", "质量指标（15分）", "服务中心建设达标率", 8, "定量", "阈值", "=100%", "100%", None, None, "验收意见。"),
    ("产出", "质量指标（15分）", "村级组织规范化建设", 7, "定性", None, "全面规范", "部分达成预期指标", 5.4,
     "3个村“四议两公开”记录不全，已限期整改。", "乡镇党委督查通报。"),
    ("产出", "时效指标（15分）", "项目平均完成时间", 15, "定量", None, "≤90天", "100天", None,
     "阵地改造项目雨季停工，平均用时超出计划10天；下年度提前至春季开工。", "项目实施台账。"),
    # 效益 30 (社会效益 20, 可持续影响 10)
    ("效益", "社会效益指标（20分）", "矛盾纠纷村内化解率", 10, "定量", None, "≥95%", "96%", None, None, "调解台账。"),
    ("效益", "社会效益指标（20分）", "信访事项发生", 10, "定量", "扣分:1.5", "0次", "2", None,
     "发生2起土地流转信访，已调处；建立流转合同备案制度。", "信访登记。"),
    ("效益", "可持续影响指标（10分）", "长效管理制度建立", 10, "定性", None, "是", "是", None, None,
     "印发服务中心管理办法。"),
    # 服务对象满意度 10
    ("服务对象满意度", "服务对象满意度指标", "群众满意度", 10, "定量", "阈值", "≥90%", "93.5%", None, None,
     "第三方入户调查，有效样本400户。"),
]


def main(out: Path = HERE) -> Path:
    return write_indicator_workbook(out / "indicators.xlsx", {"单位自评表": ROWS}, merge_levels=False,
                                    creator="xx镇党委 (synthetic sample)")


if __name__ == "__main__":
    print(main())
