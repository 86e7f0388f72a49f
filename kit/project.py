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
    notebooks: [01_load_and_check]   # the kit's own notebooks, by name (never a path)
    data_log: DATA_LOG.md
    pepper: 3f9c2a7b1d4e6f80  # id of the hashing key made by ``kit pepper new`` (not the key)

Every key is typed and checked on load (:mod:`kit.definitions.project`); the names it gives
(question ids, first-level indicators, figures in ``expected:``) are checked against the codebook
and method.yml on load, and the columns and labels it names in data files by
:meth:`Project.check_data` (run by ``kit report`` and ``kit check`` before anything else) and by
the functions that read those files. The current wave is the LAST entry of ``waves:``.

A self-assessment names ``indicators:`` and ``method:``; ``funding:``, ``goals:`` and ``form:``
feed the official 自评表 (:mod:`kit.projectinfo`), and ``rollup:`` lists project folders whose
tables are rolled up into one (:mod:`kit.rollup`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .definitions import load_spec
from .definitions.base import suggest
from .definitions.figures import OWNER_NOTEBOOKS, Figure, find_figure
from .definitions.project import ProjectSpec, label_text
from .errors import ProjectError
from .paths import resolve
from .questionnaire import Questionnaire, load_questionnaire

if TYPE_CHECKING:
    import pandas as pd

    from .design import SurveyDesign

__all__ = ["Project", "Wave", "load_project"]


@dataclass
class Wave:
    id: str
    label: str
    export: Path
    codes: Path | None = None
    platform: str | None = None


def _plain(model) -> dict:
    """A validated sub-model as the dict the analyses read (defaults filled in)."""
    return model.to_plain() if model is not None else {}


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
    expected: dict = field(default_factory=dict)   # as written: name -> value, or wave id -> {...}
    targets: dict = field(default_factory=dict)    # name -> target share (float; exact in spec)
    weights: dict = field(default_factory=dict)
    appraisal: dict = field(default_factory=dict)
    indicators: Path | None = None   # the indicator workbook (自评指标表)
    method: Path | None = None       # method.yml (评价办法)
    batch: dict = field(default_factory=dict)  # many units: one sheet each (kit.batch)
    panel: dict = field(default_factory=dict)  # units x periods (kit.change)
    staged_targets: dict = field(default_factory=dict)
    ledgers: dict = field(default_factory=dict)  # appraisal ledgers (kit.ledgers)
    extra: dict = field(default_factory=dict)
    spec: ProjectSpec | None = None  # the typed, validated project.yml
    funding: Any = None              # kit.projectinfo.Funding: 项目资金 by source
    goals: dict = field(default_factory=dict)  # 预期目标 / 实际完成情况
    form: dict = field(default_factory=dict)   # header fields of the official 自评表
    rollup: list = field(default_factory=list)  # the projects rolled up into this one (Project)
    pepper: str | None = None   # id of the project's hashing key (kit pepper new), not the key
    # every question tabulated (kit.descriptives, kit.crosstab, kit.opentext; notebook 07)
    profile: list = field(default_factory=list)      # 样本基本情况的题目 id
    crosstabs: list = field(default_factory=list)    # [(行题目, 列题目)]
    codes: dict = field(default_factory=dict)        # {题目 id 或 "*": {类别: [关键词]}}
    stopwords: list = field(default_factory=list)    # 词频统计另外剔除的词

    @property
    def path(self) -> Path:
        return self.root / "project.yml"

    def _error(self, key: str, message: str) -> ProjectError:
        return ProjectError(f"键「{key}」：{message}", path=self.path)

    # ------------------------------------------------------------------ waves
    @property
    def name(self) -> str:
        return self.root.name

    def wave(self, wave_id: str | None = None) -> Wave:
        """The wave ``wave_id``; by default the current wave, the LAST entry of ``waves:``."""
        if not self.waves:
            raise ProjectError("本项目没有问卷调查（project.yml 中没有 waves:）",
                               path=self.path)
        if wave_id is None:
            return self.waves[-1]
        for w in self.waves:
            if w.id == wave_id:
                return w
        ids = [w.id for w in self.waves]
        raise ProjectError(f"没有调查轮次「{wave_id}」，waves: 中有 {'、'.join(ids)}。"
                           f"{suggest(wave_id, ids)}", path=self.path)

    @property
    def current_wave(self) -> Wave:
        return self.wave()

    def report_waves(self) -> list[Wave]:
        """The waves in the order they are analysed and reported: the current wave (the year
        being evaluated) first, then the earlier ones from the most recent back to the baseline."""
        return list(reversed(self.waves))

    def baseline_and_current(self) -> tuple[Wave, Wave]:
        """The first wave (baseline) and the current (last) one, for before-after comparisons."""
        if len(self.waves) < 2:
            raise ProjectError("前后对比需要至少两轮调查（waves: 中至少两项）", path=self.path)
        return self.waves[0], self.waves[-1]

    def load(self, wave_id: str | None = None):
        """Load a wave's export(s) with the project's codebook (default: the current wave)."""
        from .io import load_export

        from .privacy import use_pepper

        w = self.wave(wave_id)
        with use_pepper(self.pepper):  # hashes keyed by the project's pepper, if it has one
            r = load_export(w.export, codes=w.codes, questionnaire=self.questionnaire,
                            platform=w.platform)
        if self.pepper is None and not self.synthetic:
            r.info.notes.append("本项目没有设哈希密钥 pepper：电话等的哈希以本机盐值为密钥，只在本机可比，"
                                "持有本机盐值的人可以用枚举还原电话号码；处理真实数据请先运行 kit pepper new")
        r.wave = w.id
        return r

    # ------------------------------------------------------------------ data files
    def _columns(self, frame, path: Path, needed: list[tuple[str, str | None]]) -> None:
        have = [str(c) for c in frame.columns]
        for key, column in needed:
            if column is not None and column not in have:
                raise self._error(key, f"列「{column}」不在 {path.name} 中。{suggest(column, have)}"
                                       f"该文件的列：{'、'.join(have)}")

    def load_panel(self):
        """The unit panel as a DataFrame, with ``treated`` (1 for the programme group) added.

        Every column, period and group label that ``panel:`` names is checked against the data:
        a misspelled label is an error, never a DiD of +0.00."""
        from .io.table import read_frame, require_numeric

        p = self.spec.panel
        if p is None:
            raise ProjectError("project.yml 中没有 panel:（村级面板）", path=self.path)
        frame = read_frame(p.file)
        self._columns(frame, p.file, [("panel.unit", p.unit), ("panel.period", p.period),
                                      *[(f"panel.outcomes[{i}]", o) for i, o in enumerate(p.columns)],
                                      ("panel.group", p.group), ("panel.cluster", p.cluster)])
        require_numeric(frame, [p.period, *p.columns], p.file)
        rows = frame.attrs.get("rows") or list(range(2, len(frame) + 2))
        periods = sorted({v for v in frame[p.period].dropna()})
        shown = "、".join(label_text(v) for v in periods)
        for key in ("baseline", "followup"):
            if getattr(p, key) not in periods:
                raise self._error(f"panel.{key}", f"「{getattr(p, key)}」不是 {p.file.name}「{p.period}」列中的"
                                  f"时期（有：{shown}）")
        dup = frame.duplicated([p.unit, p.period], keep=False)
        if dup.any():
            i = int(dup.to_numpy().nonzero()[0][1])
            raise ProjectError(f"「{frame[p.unit].iloc[i]}」在{label_text(frame[p.period].iloc[i])}有两行；"
                               "每个单位每个时期只能有一行", path=p.file,
                               row=int(rows[i]), column=p.unit)
        if p.group:
            frame["treated"] = self._treated(frame, p, rows)
            names = {1: f"项目组「{label_text(p.treated_label)}」", 0: "对照组"}
            for y in p.columns:
                for g in (1, 0):
                    for per in (p.baseline, p.followup):
                        part = frame[(frame["treated"] == g) & (frame[p.period] == per)]
                        if part[y].notna().sum() == 0:
                            raise ProjectError(f"{names[g]}在「{p.period}」为{label_text(per)}时没有「{y}」"
                                               "的数据，无法比较变化；请检查数据或 project.yml 的 panel:",
                                               path=p.file, column=y)
        return frame

    def _treated(self, frame, p, rows):
        import pandas as pd

        g = frame[p.group].map(lambda v: None if pd.isna(v) else label_text(v))
        blank = g.isna()
        if blank.any():
            i = int(blank.to_numpy().nonzero()[0][0])
            raise ProjectError("分组为空：每一行都应写明属于项目组还是对照组", path=p.file,
                               row=int(rows[i]), column=p.group)
        values = list(dict.fromkeys(g))
        treated = label_text(p.treated_label)
        if treated not in values:
            raise self._error("panel.treated_label", f"项目组「{treated}」不在 {p.file.name} 的「{p.group}」列中"
                              f"（该列的取值：{'、'.join(values)}）。{suggest(treated, values)}")
        others = [v for v in values if v != treated]
        if p.comparison_label is not None:
            comparison = label_text(p.comparison_label)
            if comparison not in values:
                raise self._error("panel.comparison_label", f"对照组「{comparison}」不在 {p.file.name} 的"
                                  f"「{p.group}」列中（该列的取值：{'、'.join(values)}）。"
                                  f"{suggest(comparison, values)}")
            stray = [v for v in others if v != comparison]
            if stray:
                i = int((g == stray[0]).to_numpy().nonzero()[0][0])
                raise ProjectError(f"分组「{stray[0]}」既不是项目组「{treated}」也不是对照组「{comparison}」",
                                   path=p.file, row=int(rows[i]), column=p.group)
        elif not others:
            raise self._error("panel.group", f"「{p.group}」列中只有项目组「{treated}」，没有对照组；没有对照组时"
                              "请删去 group: 和 treated_label:，只做前后对比")
        elif len(others) > 1:
            raise self._error("panel.comparison_label", f"「{p.group}」列中除项目组外有{len(others)}个取值"
                              f"（{'、'.join(others)}），请用 comparison_label: 指明哪一个是对照组")
        flips = g.groupby(frame[p.unit]).nunique()
        if (flips > 1).any():
            unit = flips[flips > 1].index[0]
            raise ProjectError(f"「{unit}」在不同时期属于不同的组；每个单位应始终属于同一组", path=p.file,
                               column=p.group)
        return (g == treated).astype(int)

    def load_staged_targets(self):
        from .io.table import read_frame, require_numeric

        t = self.spec.staged_targets
        if t is None:
            raise ProjectError("project.yml 中没有 staged_targets:（阶段目标表）", path=self.path)
        frame = read_frame(t.file)
        self._columns(frame, t.file, [(f"staged_targets.{k}", getattr(t, k))
                                      for k in ("unit", "period", "target", "actual", "total")])
        require_numeric(frame, [c for c in (t.period, t.target, t.actual, t.total) if c], t.file)
        return frame

    def check_data(self) -> None:
        """Check every column and label that project.yml and method.yml name in the data files
        (population, panel, staged targets, ledgers), before any analysis runs."""
        from .io.table import read_table

        s = self.spec
        if s.weights is not None:
            raw = read_table(s.weights.population)
            have = [str(h).strip() for h in raw.header[-1]]
            for key in ("label_column", "count_column"):
                col = getattr(s.weights, key)
                if col not in have:
                    raise self._error(f"weights.{key}", f"列「{col}」不在 {s.weights.population.name} 中。"
                                      f"{suggest(col, have)}该文件的列：{'、'.join(have)}")
        if s.panel is not None:
            self.load_panel()
        if s.staged_targets is not None:
            self.load_staged_targets()
        if s.ledgers is not None:
            from .ledgers import check_ledger_data

            check_ledger_data(self)

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
              lonely_psu: adjust          # 只有一个群的层：adjust（默认）/average/remove/certainty/fail

        Whether the cluster unit is a sample or the whole frame is read from the data: when
        ``cluster`` is the weighting cell and every cell of the population table has answers,
        the cells were not sampled, so they are strata (households sampled within each), not
        clusters; :attr:`SurveyDesign.units` says which in one sentence.
        """
        from .design import SurveyDesign, load_population, poststratify

        w = self.spec.weights if self.spec is not None else None
        if w is None:
            return None
        pop = load_population(w.population, w.label_column, w.count_column)
        q = self.questionnaire.by_id()[w.cells]
        labels = r.valid[w.cells].map({o.code: o.label for o in q.options})
        weights, notes = poststratify(labels, pop, source=w.population)
        name = lambda key: self.questionnaire.by_id()[getattr(w, key)].title.removeprefix("您所在的")  # noqa: E731
        cell, cluster, strata = name("cells"), w.cluster, w.strata
        text = f"按各「{cell}」的{w.count_column}事后分层加权"
        units = ""
        if cluster and cluster == w.cells:
            surveyed = int(labels.dropna().nunique())
            if surveyed == len(pop):
                units = (f"总体中的{len(pop)}个{cell}都有答卷，{cell}不是抽出来的样本，"
                         f"因此按{cell}分层（而不是以{cell}为群）计算标准误。")
                cluster, strata = None, w.cells
            else:
                units = (f"总体{len(pop)}个{cell}中有{surveyed}个有答卷，是抽出来的样本，"
                         f"因此以{cell}为群计算标准误。")
        if cluster:
            text += f"，以「{name('cluster')}」为群计算标准误"
        if strata:
            text += (f"（按「{name('strata')}」分层）" if cluster else
                     f"，按「{cell if strata == w.cells else name('strata')}」分层计算标准误")
        return SurveyDesign(weights=weights, cluster=cluster, strata=strata, description=text,
                            notes=notes, lonely_psu=w.lonely_psu, units=units)

    # ------------------------------------------------------------------ expected figures
    def expected_figures(self, wave_id: str | None = None) -> dict[str, Any]:
        """The figures project.yml expects for a wave: names at the top of ``expected:`` apply to
        the current wave (and figures that are not per wave to the project), names nested under
        a wave id to that wave."""
        current = self.waves[-1].id if self.waves else None
        wave_id = wave_id or current
        out = {}
        for key, value in self.expected.items():
            if isinstance(value, dict):
                if key == wave_id:
                    out.update(value)
                continue
            fig = find_figure(key)[0]
            if not fig.per_wave or wave_id == current:
                out[key] = value
        return out

    def check_expected(self, *results, wave: str | None = None) -> "pd.DataFrame":
        """Compare the figures computed by ``results`` with the ones project.yml says the
        project must reproduce (``expected:``).

        Each figure is read off the result that owns it (:mod:`kit.definitions.figures`): pass
        the results a notebook computed (``Responses``, ``SatisfactionResults``,
        ``AppraisalResults``, ``Assessment``) and every expected figure they own is checked. The
        wave is the one the ``Responses`` came from (else ``wave``, else the current wave). A
        figure is compared at the precision it is written with, at least two decimals
        (``98.3%`` against the share rounded half up to 0.983); counts and grades exactly. A
        mismatch raises :class:`ProjectError`, so a notebook run in CI fails loudly.
        """
        import pandas as pd

        owners = {type(r).__name__: r for r in results}
        for r in results:
            if type(r).__name__ == "Responses" and getattr(r, "wave", None):
                wave = wave or r.wave
        rows = []
        for name, want in self.expected_figures(wave).items():
            fig, suffix = find_figure(name)
            if fig.owner not in owners:
                continue
            res = owners[fig.owner]
            got = fig.compute(res, suffix) if suffix is not None else fig.compute(res)
            if got is None:
                raise self._error(f"expected.{name}", f"本项目算不出「{fig.label}」（{name}），请删去这一项"
                                  "或检查项目设置")
            rows.append({"figure": name, "label": fig.label, "expected": want, "computed": got,
                         "ok": _same(fig, want, got)})
        table = pd.DataFrame(rows, columns=["figure", "label", "expected", "computed", "ok"])
        bad = table[~table["ok"].astype(bool)]
        if len(bad):
            raise ProjectError("计算结果与 expected: 中的数字不一致"
                               "：" + "；".join(
                                   f"{r.figure}（{r.label}）应为 {r.expected}，实为 {_shown(r.computed)}"
                                   for r in bad.itertuples()), path=self.path)
        return table

    def check_expected_waves(self, skip: str | None = None) -> "pd.DataFrame":
        """Load each wave (other than ``skip``) that has figures nested under its id in
        ``expected:`` and check them (answer counts: only those can be declared for a wave other
        than the current one)."""
        import pandas as pd

        tables = [self.check_expected(self.load(key)) for key, value in self.expected.items()
                  if isinstance(value, dict) and key != skip]
        return pd.concat(tables, ignore_index=True) if tables else \
            pd.DataFrame(columns=["figure", "label", "expected", "computed", "ok"])

    def input_files(self) -> list[Path]:
        """project.yml and every file it names (codebook, exports, population, workbooks...)."""
        files = [self.path]
        if self.questionnaire is not None and self.questionnaire.path:
            files.append(self.questionnaire.path)

        def walk(v):
            if isinstance(v, Path):
                files.append(v)
            elif hasattr(type(v), "model_fields"):
                for k in type(v).model_fields:
                    walk(getattr(v, k))
            elif isinstance(v, (list, tuple)):
                for x in v:
                    walk(x)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)

        walk(self.spec)
        for member in self.rollup:
            files += member.input_files()
        return list(dict.fromkeys(files))


def _shown(v) -> str:
    from .fmt import fmt_number

    if isinstance(v, (int, str)):
        return str(v)
    text = fmt_number(v, 6)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _same(fig: Figure, want, got) -> bool:
    from .fmt import round_half_up
    from .values import parse_quantity, to_fraction

    if fig.kind == "text":
        return str(want) == str(got)
    if fig.kind == "count":
        return int(got) == got and int(got) == want
    q = parse_quantity(want)
    decimals = max(2, q.decimals + (2 if q.is_percent else 0))
    return to_fraction(round_half_up(got, decimals)) == to_fraction(round_half_up(q.value, decimals))


# ------------------------------------------------------------------------------ loading
def load_project(folder: str | Path) -> Project:
    """Read and validate ``<folder>/project.yml`` and everything it names."""
    root = resolve(folder)
    py = root / "project.yml"
    spec = load_spec(py, ProjectSpec, ProjectError, missing="找不到 project.yml：调查项目文件夹应包含 "
                     "project.yml (expected a survey project folder)", context={"root": root})
    if spec.pepper is not None:
        from .privacy import require_pepper

        require_pepper(spec.pepper, py)  # the kit says so and stops when this machine lacks it
    questionnaire = load_questionnaire(spec.questionnaire) if spec.questionnaire else None
    _check_codebook_names(spec, questionnaire, py)
    sections = _check_method(spec, py)
    _check_expected(spec, questionnaire, sections, py)
    waves = [Wave(id=w.id, label=w.label or w.id, export=w.export, codes=w.codes,
                  platform=w.platform) for w in spec.waves]
    targets = {k: float(v) for k, v in spec.targets.to_plain().items()}
    from .projectinfo import form_from_spec, funding_from_spec, goals_from_spec

    rollup = _rollup_projects(spec, root, py)
    _check_layout(spec, py, rollup)
    return Project(root=root, title=spec.title, organisation=spec.organisation, period=spec.period,
                   questionnaire=questionnaire, waves=waves, notebooks=list(spec.notebooks),
                   synthetic=spec.synthetic, description=spec.description, data_log=spec.data_log,
                   expected=dict(spec.expected), targets=targets, weights=_plain(spec.weights),
                   appraisal=_plain(spec.appraisal), indicators=spec.indicators, method=spec.method,
                   batch=_plain(spec.batch), panel=_panel_plain(spec.panel),
                   staged_targets=_plain(spec.staged_targets), ledgers=_plain(spec.ledgers),
                   extra={k: getattr(spec, k) for k in ("generator", "report_title") if getattr(spec, k)},
                   spec=spec, funding=funding_from_spec(spec.funding, py), goals=goals_from_spec(spec.goals),
                   form=form_from_spec(spec.form), rollup=rollup,
                   pepper=spec.pepper, profile=list(spec.profile),
                   crosstabs=[tuple(t) for t in spec.crosstabs], codes=dict(spec.codes),
                   stopwords=list(spec.stopwords))


def _check_layout(spec: ProjectSpec, py: Path, rollup: list) -> None:
    """The official form's layout that method.yml names (checked completely), and every fund
    source of ``funding:`` (or of the projects rolled up) a row of that form."""
    if spec.method is None or not (spec.indicators is not None or spec.batch is not None or spec.rollup):
        return
    from .definitions.layout import default_layout, fund_sources, load_layout_spec
    from .indicators import load_method

    m = load_method(spec.method)
    layout, path = load_layout_spec(m.layout or default_layout(m.framework), spec.method.parent)
    known = fund_sources(layout)
    if not known:
        return   # a form without funding rows prints no funds
    sources = [(f"funding.sources.{s}", s, py) for s in (spec.funding.sources if spec.funding else {})]
    sources += [(f"funding.sources.{s}", s, u.path) for u in rollup for s in (u.funding.sources if u.funding else [])]
    for key, src, where in sources:
        if src not in known:
            raise _fail(where, key, f"表样「{layout.name}」（{path.name}）没有资金来源「{src}」；它列出的来源是"
                        f"{'、'.join(known)}。{suggest(src, known)}请按表样的来源填写，或在 method.yml 的 layout: "
                        "换用相应的表样")


def _rollup_projects(spec: ProjectSpec, root: Path, py: Path) -> list:
    """``rollup:``: the project folders (inside this one) whose tables are rolled up, loaded."""
    members = []
    for i, rel in enumerate(spec.rollup or []):
        folder = (root / rel).resolve()
        if not folder.is_relative_to(root.resolve()) or folder == root.resolve():
            raise _fail(py, f"rollup[{i}]", f"「{rel}」应为本项目文件夹中的子文件夹（如 units/甲镇）")
        if not (folder / "project.yml").exists():
            raise _fail(py, f"rollup[{i}]", f"{folder} 不是项目文件夹（没有 project.yml）")
        if any(m.root == folder for m in members):
            raise _fail(py, f"rollup[{i}]", f"项目「{rel}」重复列出")
        member = load_project(folder)
        if member.rollup:
            raise _fail(py, f"rollup[{i}]", f"项目「{rel}」本身是汇总项目；汇总不能嵌套")
        if member.indicators is None or member.funding is None:
            raise _fail(py, f"rollup[{i}]", f"项目「{rel}」须有 indicators:（指标表）和 funding:（项目资金）：汇总时"
                        "相对值按资金额度加权，资金也逐项相加")
        members.append(member)
    return members


def _panel_plain(panel) -> dict:
    """``panel:`` as the analyses read it: outcomes as their column names (units and report
    names are on ``Project.spec.panel.outcomes``)."""
    out = _plain(panel)
    if panel is not None:
        out["outcomes"] = panel.columns
    return out


def _fail(py: Path, key: str, message: str) -> ProjectError:
    return ProjectError(f"键「{key}」：{message}", path=py)


def _check_codebook_names(spec: ProjectSpec, qn: Questionnaire | None, py: Path) -> None:
    """Question ids that project.yml names exist in the codebook, with the right type."""
    from . import io

    platforms = getattr(io, "PLATFORMS", None)
    for i, w in enumerate(spec.waves):
        if w.platform is not None and platforms and w.platform not in platforms:
            raise _fail(py, f"waves[{i}].platform", f"「{w.platform}」不是可识别的平台（可用："
                        f"{'、'.join(platforms)}）。{suggest(w.platform, platforms)}")
    if qn is None:
        return
    ids = qn.by_id()
    where = f"（问卷定义 {qn.path.name if qn.path else 'questionnaire.yml'}）"

    def question(key: str, qid: str | None, types: tuple = (), scored: bool = False):
        if qid is None:
            return
        if qid not in ids:
            raise _fail(py, key, f"问卷中没有题目「{qid}」{where}。{suggest(qid, ids)}")
        q = ids[qid]
        if types and q.type not in types:
            raise _fail(py, key, f"题目「{qid}」是 {q.type} 题，这里需要 {' 或 '.join(types)} 题")
        if scored and not q.has_scores:
            raise _fail(py, key, f"题目「{qid}」的选项没有 score（扣分/分值），无法计分")

    w = spec.weights
    if w is not None:
        question("weights.cells", w.cells, ("single",))
        question("weights.cluster", w.cluster, ("single", "text"))
        question("weights.strata", w.strata, ("single", "text"))
    _check_tabulation_names(spec, qn, py, question)
    a = spec.appraisal
    if a is not None:
        if a.cadres is not None:
            for i, qid in enumerate(a.cadres.questions):
                question(f"appraisal.cadres.questions[{i}]", qid, ("matrix",), scored=True)
        if a.members is not None:
            question("appraisal.members.question", a.members.question, ("matrix",))
            n_bands = len(ids[a.members.question].options)
            if a.members.help_bands >= n_bands:
                raise _fail(py, "appraisal.members.help_bands", f"应少于评议等次的个数（{n_bands}个）")


def _check_tabulation_names(spec: ProjectSpec, qn: Questionnaire, py: Path, question) -> None:
    """``profile:``, ``crosstabs:`` and ``codes:`` name questions (or matrix rows) that can be
    tabulated that way::

        profile: [township, identity, gender]      # 样本基本情况（默认：groups 与 role: profile 的题目）
        crosstabs:
          - [identity, overall]                    # 行 × 列：题目 id 或矩阵行 id
          - {rows: township, columns: services}    # 多选题按组比较
        codes:                                     # 开放题关键词编码：类别 → 关键词
          suggestion: {道路交通: [修路, 道路, 路灯]}
          "*": {环境卫生: [垃圾, 卫生]}            # 所有开放题（含“其他（请注明）”）
        stopwords: [本村, 村里]                     # 词频统计另外剔除的词
    """
    ids = qn.by_id()
    rows = {r.id: q for q in qn.questions for r in q.rows}
    for i, qid in enumerate(spec.profile):
        question(f"profile[{i}]", qid, ("single", "yesno", "scale", "multi"))
    for i, pair in enumerate(spec.crosstabs):
        types = []
        for x in pair:
            if x in rows:
                types.append("matrix_row")
                continue
            if x not in ids:
                raise _fail(py, f"crosstabs[{i}]", f"问卷中没有题目或矩阵行「{x}」。{suggest(x, list(ids) + list(rows))}")
            q = ids[x]
            if q.type == "matrix":
                raise _fail(py, f"crosstabs[{i}]", f"「{x}」是矩阵题：请写其中一行的 id（如 {q.rows[0].id}）")
            if q.type == "ranking" or q.personal:
                raise _fail(py, f"crosstabs[{i}]", f"「{x}」是{'排序题' if q.type == 'ranking' else '个人信息'}，不能交叉")
            types.append(q.type)
        if types == ["multi", "multi"]:
            raise _fail(py, f"crosstabs[{i}]", "两道多选题不能交叉；请把其中一道换成单选题")
    for qid in spec.codes:
        if qid != "*":
            question(f"codes.{qid}", qid)


def _check_method(spec: ProjectSpec, py: Path) -> list[str]:
    """Validate method.yml now (not when a notebook reaches it); the first-level indicators."""
    if spec.method is None:
        return []
    sections: list[str] = []
    if spec.indicators is not None or spec.batch is not None or spec.rollup:
        from .indicators import load_method

        sections = list(load_method(spec.method).sections)
    if spec.ledgers is not None:
        from .ledgers import LedgerError, load_ledger_method

        rules = load_ledger_method(spec.method)
        for name in type(spec.ledgers).model_fields:
            if getattr(spec.ledgers, name) is not None and name not in rules:
                raise LedgerError(f"键「{name}」：project.yml 的 ledgers: 有「{name}」台账，但评价办法中没有它的"
                                  "规则；请在 method.yml 中添加，或从 ledgers: 中删去", path=spec.method)
    return sections


def _check_expected(spec: ProjectSpec, qn: Questionnaire | None, sections: list[str], py: Path) -> None:
    """Every name in ``expected:`` is a registered figure the project's notebooks compute (or a
    wave id with such names under it), with a value of the right kind."""
    from .definitions.figures import FIGURES, PREFIXED

    waves = [w.id for w in spec.waves]
    names = list(FIGURES) + [p + s for p in PREFIXED for s in sections]

    def one(key: str, name: str, value, nested: bool) -> None:
        found = find_figure(name)
        if found is None or (found[1] is not None and found[1] not in sections):
            extra = (f"；一级指标得分写作 self_ 加评价办法中的名称：{'、'.join('self_' + s for s in sections)}"
                     if name.startswith("self_") and sections else "")
            raise _fail(py, key, f"「{name}」不是可核对的数字。{suggest(name, names + waves)}"
                        f"可用：{'、'.join(FIGURES)}{extra}；或调查轮次 id（{'、'.join(waves) or '无'}）下按轮次分列")
        fig = found[0]
        if fig.per_wave and not waves:
            raise _fail(py, key, f"「{name}」是问卷调查的数字，但本项目没有调查轮次 waves:")
        if nested and not fig.per_wave:
            raise _fail(py, key, f"「{name}」不随调查轮次变化，请写在 expected: 的顶层")
        if nested and key.split(".")[1] != waves[-1] and fig.owner != "Responses":
            raise _fail(py, key, f"「{name}」只对当前轮次（{waves[-1]}）计算；其他轮次只能核对答卷数"
                        "（n_total、n_excluded、n_valid）")
        if not set(OWNER_NOTEBOOKS.get(fig.owner, ())) & set(spec.notebooks):
            nbs = "、".join(OWNER_NOTEBOOKS.get(fig.owner, ()))
            raise _fail(py, key, f"「{name}」由笔记本 {nbs} 计算和核对，但 notebooks: 中没有它，这个数字不会被核对")
        why = fig.needs(spec, qn) if fig.needs else None
        if why:
            raise _fail(py, key, f"本项目算不出「{fig.label}」（{name}）：{why}")
        if fig.kind == "count" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise _fail(py, key, f"「{fig.label}」是份数或人数，应为非负整数，实为 {value!r}")
        if fig.kind == "text" and not isinstance(value, str):
            raise _fail(py, key, f"「{fig.label}」应为文字，实为 {value!r}")
        if fig.kind == "number":
            from .errors import KitError
            from .values import parse_quantity

            try:
                ok = parse_quantity(value) is not None
            except KitError:
                ok = False
            if not ok:
                raise _fail(py, key, f"应为数字（如 98.3 或 \"98.3%\"），实为 {value!r}")

    for key, value in spec.expected.items():
        if isinstance(value, dict):
            if key not in waves:
                raise _fail(py, f"expected.{key}", f"「{key}」不是调查轮次 id（有：{'、'.join(waves) or '无'}）。"
                            f"{suggest(key, waves + names)}")
            for name, v in value.items():
                one(f"expected.{key}.{name}", name, v, nested=True)
        else:
            one(f"expected.{key}", key, value, nested=False)
