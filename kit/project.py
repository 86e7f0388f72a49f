"""Survey projects: one folder per evaluation under ``surveys/``.

``project.yml`` says what the project is and which export belongs to which wave::

    title: 党建引领扶贫工程电话回访（群众满意度与政策知晓率）
    organisation: xx县委组织部
    period: 2019年度
    synthetic: true           # sample data made by generate.py
    questionnaire: questionnaire.yml
    waves:
      - id: w2019
        label: 2019年电话回访
        export: raw/…_按文本_….xlsx
        codes: raw/…_按序号_….xlsx   # optional 按序号 twin
    notebooks: [01_load_and_check]
    data_log: DATA_LOG.md
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING


from .errors import ProjectError, read_yaml_mapping
from .paths import ROOT, resolve
from .questionnaire import Questionnaire, load_questionnaire

if TYPE_CHECKING:
    import pandas as pd

    from .design import SurveyDesign

__all__ = ["Project", "Wave", "load_project"]

_KNOWN = {"title", "organisation", "period", "synthetic", "description", "questionnaire",
          "waves", "notebooks", "data_log", "method", "generator", "expected", "targets",
          "weights", "appraisal", "indicators", "report_title", "batch", "panel",
          "staged_targets", "ledgers"}
_PANEL_KEYS = {"file", "unit", "period", "group", "treated_label", "baseline", "followup",
               "cluster", "outcomes"}
_TARGET_KEYS = {"file", "unit", "period", "target", "actual", "total"}
_LEDGER_FILES = {"file", "roster", "branches", "members"}
_LEDGERS = {"member_points": ({"file", "roster"}, {"columns"}), "cadre_quarterly": ({"file"}, {"columns"}),
            "stars": ({"branches"}, {"members", "branch_column"}), "inspection": ({"file"}, {"columns"})}
_WEIGHT_KEYS = {"cells", "population", "label_column", "count_column", "cluster", "strata"}


@dataclass
class Wave:
    id: str
    label: str
    export: Path
    codes: Path | None = None
    platform: str | None = None


@dataclass
class Project:
    root: Path
    title: str
    organisation: str
    period: str
    questionnaire: Questionnaire | None
    waves: list[Wave]
    notebooks: list[str]
    synthetic: bool = False
    description: str = ""
    data_log: Path | None = None
    expected: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)
    appraisal: dict = field(default_factory=dict)
    indicators: Path | None = None   # the indicator workbook (自评指标表)
    method: Path | None = None       # method.yml (评价办法)
    batch: dict = field(default_factory=dict)  # many units: one sheet each (kit.batch)
    panel: dict = field(default_factory=dict)  # units x periods (kit.change)
    staged_targets: dict = field(default_factory=dict)
    ledgers: dict = field(default_factory=dict)  # appraisal ledgers (kit.ledgers)

    def load_panel(self):
        """The unit panel as a DataFrame, with ``treated`` (1 for the programme group) added;
        missing columns are reported with the file."""
        from .io.table import read_frame, require_numeric

        p = self.panel
        path = self.root / p["file"]
        frame = read_frame(path)
        need = [p["unit"], p["period"], *p["outcomes"]] + ([p["group"]] if p.get("group") else [])
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ProjectError(f"缺少列「{'」「'.join(missing)}」(missing columns; found: "
                               f"{'、'.join(frame.columns)})", path=path)
        require_numeric(frame, [p["period"], *p["outcomes"]], path)
        if p.get("group"):
            frame["treated"] = (frame[p["group"]] == p["treated_label"]).astype(int)
        return frame

    def load_staged_targets(self):
        from .io.table import read_frame, require_numeric

        t = self.staged_targets
        path = self.root / t["file"]
        frame = read_frame(path)
        missing = [t[k] for k in ("unit", "period", "target", "actual") if t[k] not in frame.columns]
        if missing:
            raise ProjectError(f"缺少列「{'」「'.join(missing)}」(missing columns)", path=path)
        require_numeric(frame, [t[k] for k in ("period", "target", "actual", "total") if t.get(k)], path)
        return frame
    extra: dict = field(default_factory=dict)

    def survey_design(self, r) -> "SurveyDesign | None":
        """The weights and clusters that ``weights:`` in project.yml declares, for the valid
        answers of ``r`` (None when the project has no ``weights:``)::

            weights:
              cells: village              # 加权单元：问卷中的分组题
              population: households.csv  # 各单元的户数（CSV 或 Excel）
              label_column: 村
              count_column: 户数
              cluster: village            # 以村为群计算标准误（可省略）
              strata: township            # 分层（可省略）
        """
        from .design import SurveyDesign, load_population, poststratify

        if not self.weights:
            return None
        w = self.weights
        pop = load_population(self.root / w["population"], w.get("label_column", "单元"),
                              w.get("count_column", "户数"))
        q = self.questionnaire.by_id()[w["cells"]]
        labels = r.valid[w["cells"]].map({o.code: o.label for o in q.options})
        weights, notes = poststratify(labels, pop, source=self.root / w["population"])
        by = lambda key: self.questionnaire.by_id()[w[key]].title if w.get(key) else None
        text = f"按各「{q.title.removeprefix('您所在的')}」的{w.get('count_column', '户数')}事后分层加权"
        if w.get("cluster"):
            text += f"，以「{by('cluster').removeprefix('您所在的')}」为群计算标准误"
        if w.get("strata"):
            text += f"（按「{by('strata').removeprefix('您所在的')}」分层）"
        return SurveyDesign(weights=weights, cluster=w.get("cluster"), strata=w.get("strata"),
                            description=text, notes=notes)

    def check_expected(self, figures: dict) -> "pd.DataFrame":
        """Compare computed figures with the ones the project says it must reproduce.

        ``expected:`` in project.yml lists published figures (e.g. ``n_valid: 412``); a
        mismatch raises :class:`ProjectError`, so a notebook run in CI fails loudly.
        """
        import pandas as pd

        rows = [{"figure": k, "expected": v, "computed": figures.get(k),
                 "ok": figures.get(k) is not None and abs(float(figures[k]) - float(v)) < 1e-9}
                for k, v in self.expected.items() if k in figures]
        table = pd.DataFrame(rows, columns=["figure", "expected", "computed", "ok"])
        bad = table[~table["ok"]]
        if len(bad):
            raise ProjectError("计算结果与项目声明的数字不一致 (computed figures differ from "
                               "project.yml expected): " + "；".join(
                                   f"{r.figure} 应为 {r.expected}，实为 {r.computed}"
                                   for r in bad.itertuples()), path=self.root / "project.yml")
        return table

    @property
    def name(self) -> str:
        return self.root.name

    def wave(self, wave_id: str | None = None) -> Wave:
        if not self.waves:
            raise ProjectError("本项目没有问卷调查（project.yml 中没有 waves:）(no survey waves)",
                               path=self.root / "project.yml")
        if wave_id is None:
            return self.waves[0]
        for w in self.waves:
            if w.id == wave_id:
                return w
        raise ProjectError(f"没有调查轮次「{wave_id}」(no such wave; have "
                           f"{[w.id for w in self.waves]})", path=self.root / "project.yml")

    def load(self, wave_id: str | None = None):
        """Load a wave's export(s) with the project's codebook."""
        from .io import load_export

        w = self.wave(wave_id)
        return load_export(w.export, codes=w.codes, questionnaire=self.questionnaire,
                           platform=w.platform)

    def input_files(self) -> list[Path]:
        files = [self.root / "project.yml"]
        if self.questionnaire is not None and self.questionnaire.path:
            files.append(self.questionnaire.path)
        for w in self.waves:
            files += [w.export] + ([w.codes] if w.codes else [])
        if self.weights:
            files.append(self.root / self.weights["population"])
        files += [p for p in (self.indicators, self.method) if p is not None]
        if self.batch:
            files.append(self.root / self.batch["workbook"])
        files += [self.root / x["file"] for x in (self.panel, self.staged_targets) if x]
        for spec in self.ledgers.values():
            files += [self.root / v for k, v in spec.items() if k in _LEDGER_FILES]
        return files


def load_project(folder: str | Path) -> Project:
    """Read and validate ``<folder>/project.yml`` and everything it names."""
    root = resolve(folder)
    py = root / "project.yml"
    d = read_yaml_mapping(py, ProjectError, "找不到 project.yml：调查项目文件夹应包含 project.yml "
                                            "(expected a survey project folder)")
    # a survey project needs a codebook and waves; a self-assessment alone needs indicators
    _check_keys(d, _KNOWN, ("title",) + (() if any(d.get(k) for k in ("indicators", "batch", "panel",
                                                                       "staged_targets", "ledgers"))
                                          else ("questionnaire", "waves")), py)
    questionnaire = load_questionnaire(root / d["questionnaire"]) if d.get("questionnaire") else None
    waves = []
    if not isinstance(d.get("waves") or [], list):
        raise ProjectError("键「waves」：应为列表 (expected a list)", path=py)
    for i, w in enumerate(d.get("waves") or []):
        where = f"waves[{i}]"
        if not isinstance(w, dict) or not w.get("id") or not w.get("export"):
            raise ProjectError(f"键「{where}」：每个轮次需要 id 和 export (each wave needs id "
                               "and export)", path=py)
        if not re.match(r"^[A-Za-z0-9_-]+$", str(w["id"])):
            raise ProjectError(f"键「{where}.id」：应为英文字母、数字、_ 或 -", path=py)
        files = {}
        for k in ("export", "codes"):
            if w.get(k):
                p = root / w[k]
                if not p.exists():
                    raise ProjectError(f"键「{where}.{k}」：文件不存在 {p} (file not found)",
                                       path=py)
                files[k] = p
        waves.append(Wave(id=str(w["id"]), label=str(w.get("label", w["id"])),
                          export=files["export"], codes=files.get("codes"),
                          platform=w.get("platform")))
    notebooks = [str(n) for n in (d["notebooks"] or []) if n] if "notebooks" in d else \
        ["01_load_and_check"]
    for n in notebooks:
        if not (ROOT / "notebooks" / f"{n}.ipynb").exists():
            raise ProjectError(f"键「notebooks」：找不到 notebooks/{n}.ipynb (notebook not found)",
                               path=py)
    weights = _check_weights(d.get("weights"), root, questionnaire, py)
    appraisal = _check_appraisal(d.get("appraisal"), questionnaire, py)
    docs = {}
    for key in ("indicators", "method"):
        if d.get(key):
            p = root / str(d[key])
            if not p.exists():
                raise ProjectError(f"键「{key}」：文件不存在 {p} (file not found)", path=py)
            docs[key] = p
    batch = d.get("batch") or {}
    if batch:
        if not isinstance(batch, dict) or not batch.get("workbook"):
            raise ProjectError("键「batch.workbook」：缺少批量工作簿 (missing the workbook, one sheet "
                               "per unit)", path=py)
        if set(batch) - {"workbook", "unit"}:
            raise ProjectError(f"键「batch.{sorted(set(batch) - {'workbook', 'unit'})[0]}」：未知的键 "
                               "(allowed: unit, workbook)", path=py)
        if not (root / batch["workbook"]).exists():
            raise ProjectError(f"键「batch.workbook」：文件不存在 {root / batch['workbook']}", path=py)
        if "method" not in docs:
            raise ProjectError("键「method」：批量自评需要评价办法 method.yml (batch needs method:)",
                               path=py)
    log = root / d["data_log"] if d.get("data_log") else None
    if log is not None and not log.exists():
        raise ProjectError(f"键「data_log」：文件不存在 {log}", path=py)
    return Project(root=root, title=str(d["title"]), organisation=str(d.get("organisation", "")),
                   period=str(d.get("period", "")), questionnaire=questionnaire, waves=waves,
                   notebooks=notebooks, synthetic=bool(d.get("synthetic", False)),
                   description=str(d.get("description", "")), data_log=log,
                   expected=dict(d.get("expected") or {}),
                   targets=dict(d.get("targets") or {}), weights=weights, appraisal=appraisal,
                   indicators=docs.get("indicators"), method=docs.get("method"), batch=dict(batch),
                   panel=_check_table(d.get("panel"), "panel", _PANEL_KEYS,
                                      ("file", "unit", "period", "outcomes"), root, py),
                   ledgers=_check_ledgers(d.get("ledgers"), root, py),
                   staged_targets=_check_table(d.get("staged_targets"), "staged_targets", _TARGET_KEYS,
                                               ("file", "unit", "period", "target", "actual"), root, py),
                   extra={k: d[k] for k in ("generator", "report_title") if k in d})


def _check_keys(d: dict, allowed: set, required: tuple, py: Path, prefix: str = "") -> None:
    unknown = set(d) - allowed
    if unknown:
        raise ProjectError(f"键「{prefix}{sorted(unknown)[0]}」：未知的键 (unknown key; allowed: "
                           f"{', '.join(sorted(allowed))})", path=py)
    for key in required:
        if not d.get(key):
            raise ProjectError(f"键「{prefix}{key}」：缺少必填项 (missing required key)", path=py)


def _check_weights(w, root: Path, questionnaire: Questionnaire | None, py: Path) -> dict:
    if not w:
        return {}
    if questionnaire is None:
        raise ProjectError("键「weights」：需要问卷定义 questionnaire: (weights need a codebook)", path=py)
    if not isinstance(w, dict):
        raise ProjectError("键「weights」：应为映射 (expected a mapping)", path=py)
    _check_keys(w, _WEIGHT_KEYS, ("cells", "population"), py, prefix="weights.")
    ids = questionnaire.by_id()
    for key in ("cells", "cluster", "strata"):
        if w.get(key) and w[key] not in ids:
            raise ProjectError(f"键「weights.{key}」：问卷中没有题目「{w[key]}」 (no such question "
                               "id in the codebook)", path=py)
    if not (root / w["population"]).exists():
        raise ProjectError(f"键「weights.population」：文件不存在 {root / w['population']}",
                           path=py)
    return dict(w)


def _check_appraisal(a, questionnaire: Questionnaire | None, py: Path) -> dict:
    if not a:
        return {}
    if questionnaire is None:
        raise ProjectError("键「appraisal」：需要问卷定义 questionnaire: (needs a codebook)", path=py)
    if not isinstance(a, dict) or set(a) - {"cadres", "members"}:
        raise ProjectError("键「appraisal」：应为映射，可含 cadres 和 members (expected a mapping "
                           "with cadres and/or members)", path=py)
    ids = questionnaire.by_id()
    c = a.get("cadres")
    if c is not None:
        if not isinstance(c, dict) or not isinstance(c.get("questions"), list) or not c["questions"]:
            raise ProjectError("键「appraisal.cadres.questions」：应为题目 id 列表 (expected a list "
                               "of matrix question ids, one per cadre)", path=py)
        for qid in c["questions"]:
            if qid not in ids or ids[qid].type != "matrix" or not ids[qid].has_scores:
                raise ProjectError(f"键「appraisal.cadres.questions」：「{qid}」应为选项带分值的矩阵题 "
                                   "(expected a matrix question with scored options)", path=py)
        for key in ("start", "line", "eligible"):
            if key in c and not isinstance(c[key], (int, float)):
                raise ProjectError(f"键「appraisal.cadres.{key}」：应为数字 (expected a number)", path=py)
    m = a.get("members")
    if m is not None:
        qid = m.get("question") if isinstance(m, dict) else None
        if qid not in ids or ids[qid].type != "matrix":
            raise ProjectError("键「appraisal.members.question」：应为矩阵题 id (expected the id of "
                               "the matrix question, one row per member)", path=py)
    return dict(a)


def _check_table(t, name: str, allowed: set, required: tuple, root: Path, py: Path) -> dict:
    if not t:
        return {}
    if not isinstance(t, dict):
        raise ProjectError(f"键「{name}」：应为映射 (expected a mapping)", path=py)
    _check_keys(t, allowed, required, py, prefix=f"{name}.")
    if not (root / str(t["file"])).exists():
        raise ProjectError(f"键「{name}.file」：文件不存在 {root / str(t['file'])}", path=py)
    if name == "panel":
        if not isinstance(t["outcomes"], list):
            raise ProjectError("键「panel.outcomes」：应为列名列表 (expected a list of columns)", path=py)
        if t.get("group") and not t.get("treated_label"):
            raise ProjectError("键「panel.treated_label」：有 group 时须写明项目组的名称 (which group "
                               "is the programme group)", path=py)
    return dict(t)


def _check_ledgers(spec, root: Path, py: Path) -> dict:
    if not spec:
        return {}
    if not isinstance(spec, dict):
        raise ProjectError("键「ledgers」：应为映射 (expected a mapping)", path=py)
    for name, s in spec.items():
        if name not in _LEDGERS:
            raise ProjectError(f"键「ledgers.{name}」：未知的台账 (allowed: {', '.join(_LEDGERS)})", path=py)
        required, optional = _LEDGERS[name]
        if not isinstance(s, dict):
            raise ProjectError(f"键「ledgers.{name}」：应为映射 (expected a mapping)", path=py)
        _check_keys(s, required | optional, tuple(sorted(required)), py, prefix=f"ledgers.{name}.")
        for k, v in s.items():
            if k in _LEDGER_FILES and not (root / str(v)).exists():
                raise ProjectError(f"键「ledgers.{name}.{k}」：文件不存在 {root / str(v)}", path=py)
    return dict(spec)
