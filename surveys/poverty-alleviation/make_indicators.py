"""Write the sample indicator workbook ``indicators.xlsx`` (自评指标表) of this project.

SYNTHETIC SAMPLE. The indicators reproduce the published scores of the county
self-assessment in ../../../shared/domain.md (system 1): 投入 15/15 (项目立项 10/10,
资金落实 5/5), 过程 25/23 (项目管理 15/15, 财务管理 10/8 with its reason), 产出 30/30,
效果 30/30, total 98, grade 优秀. The third-level indicators and their evidence text are
written for this sample (the kit's own wording, not the county's). Two indicators take their
actual value from the phone survey (问卷:满意率, 问卷:知晓率).

The level cells are merged, as evaluators lay the table out in Excel (kit.selfassessment.
write_indicator_workbook).
Run:  python surveys/poverty-alleviation/make_indicators.py
"""

from __future__ import annotations

from pathlib import Path

from kit.selfassessment import write_indicator_workbook

HERE = Path(__file__).resolve().parent
# (一级, 二级, 三级, 分值, 类型, 评分方法, 年度指标值, 实际完成值, 得分, 偏差原因, 佐证材料)
ROWS = [
    ("投入", "项目立项（10分）", "组织领导与实施方案", 5, "定性", "是否", "是", "是", None, None,
     "成立由分管副部长任组长的工程领导小组，会同县财政局印发实施方案和资金管理办法并报备。"),
    ("投入", "项目立项（10分）", "考评办法与项目台账", 5, "定性", "是否", "是", "是", None, None,
     "印发工程考评办法，建立80个贫困村和选派干部名册、项目台账，每月在信息平台填报。"),
    ("投入", "资金落实（5分）", "资金到位率", 3, "定量", "比例", "100%", "100%", None, None,
     "村级集体经济项目资金800万元、选派干部办公经费240万元全部到位。"),
    ("投入", "资金落实（5分）", "资金拨付及时率", 2, "定量", "比例", "100%", "100%", None, None,
     "办公经费于8月份全部下拨至乡镇，实行报账制管理。"),
    ("过程", "项目管理（15分）", "项目实施率", 5, "定量", "比例", "80个", "80个", None, None,
     "80个贫困村集体经济发展项目全部由驻村工作队申报并实施。"),
    ("过程", "项目管理（15分）", "监督检查与信息报送", 5, "定性", "三档", "按月调度、专项检查", "达成", None, None,
     "部务会每月听取汇报，会同扶贫办、效能办定期督查调度，按时报送月报和基础数据。"),
    ("过程", "项目管理（15分）", "政策知晓率", 5, "定量", "阈值", "98%", "问卷:知晓率", None, None,
     "电话回访抽查群众对工程的知晓情况。"),
    ("过程", "财务管理（10分）", "资金管理制度健全", 4, "定性", "是否", "是", "是", None, None,
     "执行“三不支出”和“两核一审一批”报账制度。"),
    ("过程", "财务管理（10分）", "资金使用合规性", 6, "定量", "扣分:1", "0次", "2", None,
     "专项检查发现2个村报账凭证附件不全，各扣1分；已责令补齐凭证，并在全县开展报账培训。",
     "乡镇纪委审核报账凭证，县委组织部会同财政局专项检查。"),
    ("产出", None, "集体经济项目资金使用", 10, "定量", "比例", "800万元", "800万元", None, None,
     "800万元全部整合至扶贫项目用于80个贫困村集体经济发展。"),
    ("产出", None, "选派干部办公经费拨付", 10, "定量", "比例", "240万元", "240万元", None, None,
     "240万元办公经费按每队每年3万元标准足额拨付。"),
    ("产出", None, "资金总投入使用率", 10, "定量", "比例", "100%", "100%", None, None,
     "资金总投入使用率100%。"),
    ("效果", None, "贫困村年集体收入", 10, "定量", "阈值", "≥7万元", "7.3万元", None, None,
     "预计每个贫困村实现年集体收入7万元以上。"),
    ("效果", None, "党员群众满意度", 10, "定量", "阈值", "98%", "问卷:满意率", None, None,
     "电话回访问卷调查党员群众对党建引领扶贫工作的满意程度。"),
    ("效果", None, "驻村工作队履职成效", 10, "定性", "三档", "履职尽责", "达成", None, None,
     "办公经费落实保障了正常办公，驻村工作队在村履职尽责。"),
]


def main(out: Path = HERE) -> Path:
    return write_indicator_workbook(out / "indicators.xlsx", {"自评指标": ROWS},
                                    creator="xx县委组织部 (synthetic sample)")


if __name__ == "__main__":
    print(main())
