"""Notebooks that lead with findings (issue 19, item 4), run on the two-wave sample as
``kit report`` runs them: the current wave first; the caveats in one note; no English column
names in displayed tables (figure/expected/computed/ok); no table longer than the inline limit
(the workbook is linked instead); nothing printed on stderr (no library warnings)."""

from __future__ import annotations

import json
import re

import pytest

from kit.paths import ROOT
from kit.tables import MAX_INLINE_ROWS


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    import papermill as pm

    out = tmp_path_factory.mktemp("nb")
    runs = {}
    for name in ("01_load_and_check", "02_satisfaction"):
        path = out / f"{name}.ipynb"
        pm.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(path), progress_bar=False,
                            parameters={"project": "surveys/village-residents"}, cwd=str(ROOT),
                            kernel_name="python3")
        runs[name] = json.loads(path.read_text(encoding="utf-8"))
    return runs


def _outputs(nb):
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            yield o


def _printed(nb) -> str:
    return "".join("".join(o.get("text", "")) for o in _outputs(nb) if o["output_type"] == "stream"
                   and o.get("name") == "stdout")


@pytest.mark.parametrize("name", ["01_load_and_check", "02_satisfaction"])
def test_no_warnings_no_english_no_long_tables(executed, name):
    nb = executed[name]
    stderr = [o for o in _outputs(nb) if o["output_type"] == "stream" and o.get("name") == "stderr"]
    assert stderr == [], "".join("".join(o["text"]) for o in stderr)[:500]
    for o in _outputs(nb):
        html = "".join(o.get("data", {}).get("text/html", ""))
        if "<table" not in html:
            continue
        heads = re.findall(r"<th[^>]*>([^<]*)</th>", html)
        assert not [h for h in heads if re.fullmatch(r"[a-z_]+", h.strip())], heads
        body_rows = html.split("<tbody>")[-1].count("<tr")
        assert body_rows <= MAX_INLINE_ROWS, heads[:3]


def test_current_wave_first_and_one_caveat_note(executed):
    text = _printed(executed["01_load_and_check"])
    assert text.index("2021年跟踪调查：共回收答卷600份") < text.index("2019年基线调查：共回收答卷600份")
    text = _printed(executed["02_satisfaction"])
    assert text.index("【2021年跟踪调查】") < text.index("【2019年基线调查】")
    current = text.split("【2019年基线调查】")[0]
    assert "群众总体满意率为72.4%" in current
    assert current.count("需要说明") == 1 and current.count("有效答卷少于30份") == 1
    assert "2019年基线调查：共回收答卷600份" in text          # the baseline is not called 「本次调查」
