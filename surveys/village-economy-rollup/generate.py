"""Generate the synthetic roll-up sample: three townships' projects in one Sichuan-form table.

SYNTHETIC DATA, describing no real unit. A county's 党建引领村级集体经济发展 project is carried
out by three townships (东林镇, 西坝镇, 南岗乡), each with its own indicator table (written the
way the Sichuan form prints it: 指标性质 ≥ ≤ = 定性, 指标值, 度量单位, 完成值, 权重) and its own
funds (财政资金, 单位资金, 其他资金). The county rolls them up into one 部门预算项目支出绩效自评表
(报表编号 510000_0013zp) with ``rollup:``: absolute values add, percentages are weighted by each
township's 全年预算数 (40, 30 and 30 万元). One indicator (农村人居环境改善) is 不适用 everywhere,
so the total is rescaled to 100. The method uses one district's bands (100-80 / 80-50 / 50-0).

The figures are chosen so that the result can be checked by hand; the seed only draws the
project code and the township's village counts in the evidence text.

Expected, by hand (fractions):
    预算执行情况  10 x 93.7/100 = 9.37          (全年执行数 38.1 + 27 + 28.6 = 93.7 of 100 万元)
    扶持项目个数  10 x 11/12 = 9.1666.. -> 9.17   (4 + 4 + 3 of 4 + 4 + 4)
    培训村干部     10                            (210 + 150 + 140 = 500 of 200 + 150 + 150)
    验收合格率 =  10 x 97/100 = 9.7              ((40x100 + 30x100 + 30x90)/100 = 97%, = 100%)
    规范运行 定性  (40x5 + 30x3.5 + 30x4.5)/100 = 4.4 of 5, share 88% -> 达成 (scores 5, 3.5, 4.5)
    拨付及时率     5                             ((40x100 + 30x96 + 30x90)/100 = 95.8% >= 95%)
    建设总成本 ≤   10                            (38 + 31 + 29 = 98 <= 40 + 30 + 30 = 100)
    集体收入增加   10 x 55/60 = 9.1666.. -> 9.17  (22 + 18 + 15 of 20 x 3)
    带动就业       10                            (130 + 100 + 90 = 320 >= 300)
    人居环境       不适用
    长效机制       5                             (是 everywhere)
    村民满意度     10                            ((40x95 + 30x92 + 30x88)/100 = 92% >= 90%)
    sections: 9.37, 产出 48.27, 效益 24.17, 满意度 10; applicable points 95, their scores 91.81;
    total 91.81 / 95 x 100 = 96.642.. -> 96.64, 优.

Run:  python surveys/village-economy-rollup/generate.py
"""

from __future__ import annotations

import random
from pathlib import Path

from kit.selfassessment import write_indicator_workbook

HERE = Path(__file__).resolve().parent
SEED = 20231231
HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "评分方法",
          "得分", "未完成原因分析", "佐证材料"]
UNITS = {  # name: (organisation, funds {source: (年初预算, 调整后预算数, 预算执行数)}, execution reason)
    "东林镇": ({"财政资金": (35, 38, 36.1), "单位资金": (2, 2, 2)},
            "2个村的加工厂房尾款待竣工结算后支付，1.9万元结转下年。"),
    "西坝镇": ({"财政资金": (30, 30, 27)}, "1个村的冷库项目年末开工，3万元结转下年。"),
    "南岗乡": ({"财政资金": (26, 28, 26.6), "其他资金": (2, 2, 2)}, "茶叶加工设备验收延后，1.4万元结转下年。"),
}
# (二级, 三级, 性质, per-township [指标值], 单位, per-township [完成值], 权重, [得分], [原因])
ROWS = [
    ("产出指标", "数量指标", "扶持村集体经济项目", "≥", [4, 4, 4], "个", [4, 4, 3], 10, [None] * 3,
     [None, None, "1个村的民宿项目选址调整，未能当年立项；已列入下年计划。"]),
    ("产出指标", "数量指标", "培训村干部", "≥", [200, 150, 150], "人次", [210, 150, 140], 10, [None] * 3,
     [None, None, "汛期停训一期，少10人次；已于次年一季度补训。"]),
    ("产出指标", "质量指标", "项目验收合格率", "=", [100, 100, 100], "%", [100, 100, 90], 10, [None] * 3,
     [None, None, "1个项目首次验收不合格，整改后复验通过。"]),
    ("产出指标", "质量指标", "村级集体经济组织规范运行", "定性", ["规范运行"] * 3, None,
     ["达成预期指标", "部分达成预期指标", "达成预期指标"], 5, [None, 3.5, 4.5],
     [None, "2个村未按季度公开收支，已督促整改。", "1个村合同台账不全，已补齐。"]),
    ("产出指标", "时效指标", "资金拨付及时率", "≥", [95, 95, 95], "%", [100, 96, 90], 5, [None] * 3,
     [None, None, "1笔资金因项目验收延后拨付；已改为按进度拨付。"]),
    ("产出指标", "成本指标", "项目建设总成本", "≤", [40, 30, 30], "万元", [38, 31, 29], 10, [None] * 3,
     [None, "冷库项目钢材涨价，超支1万元，由村集体自筹解决。", None]),
    ("效益指标", "经济效益指标", "村集体经济年收入增加", "≥", [20, 20, 20], "万元", [22, 18, 15], 10, [None] * 3,
     [None, "冷库年末投用，收益未满一年。", "茶叶价格下行，加工收益低于预期；下年拓展线上销售。"]),
    ("效益指标", "社会效益指标", "带动农户就业", "≥", [120, 90, 90], "人", [130, 100, 90], 10, [None] * 3,
     [None] * 3),
    ("效益指标", "生态效益指标", "农村人居环境改善", "定性", ["不适用"] * 3, None, ["不适用"] * 3, 5, [None] * 3,
     ["本项目不涉及人居环境整治内容。"] * 3),
    ("效益指标", "可持续影响指标", "长效管理机制建立", "定性", ["是"] * 3, None, ["是"] * 3, 5, [None] * 3,
     [None] * 3),
    ("满意度指标", "服务对象满意度指标", "村民满意度", "≥", [90, 90, 90], "%", [95, 92, 88], 10, [None] * 3,
     [None, None, "部分村民对分红方式有意见，已召开村民代表大会说明。"]),
]
METHOD = """# 评价办法（样例，合成）：村级集体经济发展项目支出绩效自评，四川省部门预算项目支出绩效自评表。
framework: custom
title: 村级集体经济发展项目绩效自评办法
total: 100
sections:
  预算执行情况: 10
  产出指标: 50
  效益指标: 30
  满意度指标: 10
grades:
  - {name: 优, min: 90}
  - {name: 良, min: 80}
  - {name: 中, min: 60}
  - {name: 差, min: 0}
# 定性指标三档（占分值的百分比）：本区的档位 100–80 / 80–50 / 50–0
bands:
  达成: [80, 100]
  部分达成: [50, 80]
  未达成: [0, 50]
# 自评表表样：四川省部门预算项目支出绩效自评表（报表编号 510000_0013zp）
layout: sichuan-510000_0013zp
"""


def unit_rows(k: int, villages: int) -> list[tuple]:
    out = []
    for level1, level2, name, nature, targets, unit, actuals, points, scores, reasons in ROWS:
        evidence = f"{villages}个村项目台账。" if k == 0 or level2 == "数量指标" else "乡镇验收资料。"
        out.append((level1, level2, name, nature, targets[k], unit, actuals[k], points, None, scores[k],
                    reasons[k], evidence))
    return out


def unit_project(name: str, funds: dict, reason: str) -> str:
    lines = "\n".join(f"    {src}: {{initial: {a:g}, budget: {b:g}, spent: {c:g}}}" for src, (a, b, c) in funds.items())
    return f"""# 调查项目定义。SYNTHETIC DATA: 由 ../../generate.py 生成的样例（固定随机种子），不描述任何真实单位。
title: 2023年度党建引领村级集体经济发展项目支出绩效自评（{name}）
organisation: {name}
period: 2023年度
synthetic: true
generator: ../../generate.py (seed {SEED})
indicators: indicators.xlsx
method: method.yml
report_title: 党建引领村级集体经济发展项目（{name}）
notebooks:
  - 03_self_assessment
funding:
  unit: 万元
  sources:
{lines}
  reason: {reason}
form:
  department: xx县委组织部
  implementer: {name}党委
  year: 2023
"""


def main(out: Path = HERE) -> Path:
    rng = random.Random(SEED)
    code = "5114" + "".join(str(rng.randrange(10)) for _ in range(2)) + "23T" + \
        "".join(str(rng.randrange(10)) for _ in range(9))
    for k, (name, (funds, reason)) in enumerate(UNITS.items()):
        folder = out / "units" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "project.yml").write_text(unit_project(name, funds, reason), encoding="utf-8")
        (folder / "method.yml").write_text(METHOD, encoding="utf-8")
        write_indicator_workbook(folder / "indicators.xlsx", {"绩效指标": unit_rows(k, rng.randint(5, 9))},
                                 creator=f"{name} (synthetic sample)", header=HEADER)
    (out / "method.yml").write_text(METHOD, encoding="utf-8")
    (out / "project.yml").write_text(f"""# 调查项目定义。SYNTHETIC DATA: 由 generate.py 以固定随机种子（{SEED}）生成的样例，不描述任何真实单位。
title: 2023年度党建引领村级集体经济发展项目支出绩效自评（三乡镇汇总）
organisation: xx县委组织部
period: 2023年度
synthetic: true
description: >-
  三个乡镇各自的指标表和资金汇总为一张四川省部门预算项目支出绩效自评表（报表编号510000_0013zp）：
  绝对值直接累加，相对值按各乡镇全年预算数（40、30、30万元）加权平均；“农村人居环境改善”不适用，
  用适用指标得分汇总后按百分制折算：91.81÷95×100=96.64分，等级为优。定性指标按本区档位 100–80/80–50/50–0。
generator: generate.py (seed {SEED})
method: method.yml
report_title: 党建引领村级集体经济发展项目
notebooks:
  - 03_self_assessment
# 汇总：各乡镇的项目文件夹（各有 indicators.xlsx 与 funding:）
rollup:
  - units/东林镇
  - units/西坝镇
  - units/南岗乡
goals:
  expected: 扶持12个村发展集体经济项目，培训村干部500人次，项目验收合格率100%，村集体经济年收入增加60万元，带动300名农户就业，村民满意度90%以上。
  achieved: 扶持11个村集体经济项目；培训村干部500人次；验收合格率97%；村集体经济年收入增加55万元；带动320名农户就业；村民满意度92%。
form:
  code: "{code}"
  department: xx县委组织部
  implementer: 东林镇、西坝镇、南岗乡党委
  year: 2023
  content: 三乡镇按“村申报、乡镇审核、县级备案”实施集体经济项目，资金按进度拨付，项目竣工后由乡镇组织验收，县委组织部会同县财政局抽查。
  problems: 个别村项目选址调整未能当年立项；冷库、茶叶加工项目投产晚，集体收入增加未达目标；部分资金因验收延后结转下年。
  measures: 项目前期论证提前到上年四季度；按进度拨付资金；拓展农产品线上销售；加强村级集体经济组织收支公开。
# 本样例必须复现的手算数字（见 generate.py 的说明）
expected:
  self_total: 96.64
  self_预算执行情况: 9.37
  self_产出指标: 48.27
  self_效益指标: 24.17
  self_满意度指标: 10
""", encoding="utf-8")
    return out / "project.yml"


if __name__ == "__main__":
    print(main())
