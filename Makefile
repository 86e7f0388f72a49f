# Two commands do all their own set-up on a fresh machine with Python 3.11 and pip:
#   make report   evaluate the default sample project into reports/<project>/
#   make test     the whole suite: unit tests, doctests, every notebook under nbval
# Windows (no make): see README for the plain `python -m kit ...` equivalents.

PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
PROJECT ?= surveys/poverty-alleviation
OUT     ?= reports/$(notdir $(PROJECT))
STAMP   := $(VENV)/.installed-stamp
CJK_FONT_DEB ?= fonts-wqy-microhei
# Rendering tests print every document to PDF with LibreOffice; the fonts stand in for 仿宋/宋体
# (Noto Serif CJK, OFL-1.1) and 楷体 (AR PL UKai, Arphic Public License) while rendering only.
OFFICE_DEBS ?= libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai

.PHONY: install report test lab check cjk-font office bench clean snapshots

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Charts need a CJK font. Install Debian's when we are root and none is found; otherwise say how.
cjk-font: $(STAMP)
	@$(PY) -m kit fonts >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(CJK_FONT_DEB) (no CJK font found)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CJK_FONT_DEB) >/dev/null; \
	  fi; \
	  $(PY) -m kit fonts; }

# LibreOffice and the fonts for the rendering tests. Installed when we are root and they are
# missing; otherwise those tests are skipped with the same install hint.
office:
	@if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! command -v fc-list >/dev/null 2>&1 \
	    || ! fc-list | grep -q "Noto Serif CJK" || ! fc-list | grep -q "AR PL UKai"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(OFFICE_DEBS) (rendering tests: documents printed to PDF)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OFFICE_DEBS) >/dev/null; \
	  else \
	    echo "LibreOffice or fonts missing and not root: rendering tests will be skipped (apt-get install $(OFFICE_DEBS))"; \
	  fi; \
	fi

report: cjk-font
	$(PY) -m kit report $(PROJECT) --out $(OUT)

check: $(STAMP)
	$(PY) -m kit check $(PROJECT)

test: cjk-font office
	$(PY) -m pytest

# Rewrite the snapshots of the official forms (tests/snapshots/*.json: cells, merges, number
# formats) from the samples, after a deliberate change; review the diff before committing.
snapshots: cjk-font office
	KIT_UPDATE_SNAPSHOTS=1 $(PY) -m pytest -q tests/test_forms.py -k snapshot

lab: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,lab]'
	mkdir -p $(VENV)/share/jupyter/lab/settings
	echo '{"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	$(PY) -m jupyter lab notebooks/

bench: $(STAMP)
	$(PY) bench/bench_load.py
	$(PY) bench/bench_satisfaction.py
	$(PY) bench/bench_batch.py

clean:
	rm -rf $(VENV) reports .pytest_cache
