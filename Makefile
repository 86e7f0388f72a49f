# Two commands do all their own set-up on a fresh machine with Python 3.11 and pip:
#   make report   evaluate the default sample project into reports/<project>/
#   make test     the whole suite: unit tests, doctests, every notebook under nbval
# Your own survey (every target sets itself up too; see README「用自己的问卷」):
#   make new NAME=my-survey EXPORT=downloads     a project from downloaded exports (files or a folder)
#   make codebook NAME=my-survey                 the codebook as an Excel workbook to review
#   make codebook-import NAME=my-survey          read the workbook back into questionnaire.yml
#   make check NAME=my-survey                    what the kit will do with each question
#   make indicators NAME=my-survey FRAMEWORK=2020  add a self-assessment indicator workbook
#   make report NAME=my-survey                   the reports, into reports/my-survey/
#   make lab                                     JupyterLab in Chinese, at notebooks/00_开始.ipynb
# Windows (no make): see README for the plain `python -m kit ...` equivalents.

PYTHON  ?= python3
VENV    ?= .venv
PY      := $(VENV)/bin/python
ifdef NAME
PROJECT ?= surveys/$(NAME)
endif
PROJECT ?= surveys/poverty-alleviation
OUT     ?= reports/$(notdir $(PROJECT))
FRAMEWORK ?= 2020
# pip quiet (errors only: a machine's pip.conf may add index locations it then warns about), and
# the build back-end's notices (setuptools' 「Editable installation」 box) silenced
PIP     := PYTHONWARNINGS=ignore $(PY) -m pip --disable-pip-version-check
STAMP   := $(VENV)/.installed-stamp
CJK_FONT_DEB ?= fonts-wqy-microhei
# Rendering tests print every document to PDF with LibreOffice; the fonts stand in for 仿宋/宋体
# (Noto Serif CJK, OFL-1.1) and 楷体 (AR PL UKai, Arphic Public License) while rendering only.
OFFICE_DEBS ?= libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai

# When a command fails the kit has already said why, in Chinese. GNU make would then add its own
# line 「make: *** [Makefile:N: target] Error 2」 (it prints one for every failed recipe that is
# not ignored, and an ignored failure exits 0), so a failed step stops make with SIGINT instead:
# make then ends without a word, exit status 130. The sleep keeps the recipe alive until make
# has the signal (make waits for it, then stops).
STOP    := { kill -INT $$PPID; sleep 1; }

.PHONY: install report test lab check new codebook codebook-import indicators need-name cjk-font office bench clean snapshots

$(STAMP): pyproject.toml
	@test -x $(PY) || { echo "首次使用：正在创建 $(VENV) 并安装依赖（约2–5分钟）"; $(PYTHON) -m venv $(VENV); }
	@$(PIP) install --quiet --quiet --upgrade pip
	@$(PIP) install --quiet --quiet -e '.[test]'
	@touch $(STAMP)
	@echo "环境已准备好（$(VENV)）"

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
	@$(PY) -m kit report $(PROJECT) --out $(OUT) || $(STOP)

check: $(STAMP)
	@$(PY) -m kit check $(PROJECT) || $(STOP)

# a target about one project needs NAME= (surveys/<name>) or PROJECT= (any folder)
need-name:
	@if [ -z "$(NAME)" ] && [ "$(origin PROJECT)" = "file" ]; then \
	  echo "请写明项目名称，如：make $(MAKECMDGOALS) NAME=my-survey"; $(STOP); fi

new: $(STAMP) need-name
	@if [ -z "$(EXPORT)" ]; then echo "请写明导出文件或文件夹，如：make new NAME=$(NAME) EXPORT=downloads"; $(STOP); fi
	@$(PY) -m kit new $(NAME) $(EXPORT) $(if $(INDICATORS),--indicators $(INDICATORS)) || $(STOP)

codebook: $(STAMP) need-name
	@$(PY) -m kit codebook export $(PROJECT) $(if $(FORCE),--force) || $(STOP)

codebook-import: $(STAMP) need-name
	@$(PY) -m kit codebook import $(PROJECT) $(if $(FORCE),--force) || $(STOP)

indicators: $(STAMP) need-name
	@$(PY) -m kit init-indicators --framework $(FRAMEWORK) --project $(PROJECT) || $(STOP)

test: cjk-font office
	$(PY) -m pytest

# Rewrite the snapshots of the official forms (tests/snapshots/*.json: cells, merges, number
# formats) from the samples, after a deliberate change; review the diff before committing.
snapshots: cjk-font office
	KIT_UPDATE_SNAPSHOTS=1 $(PY) -m pytest -q tests/test_forms.py -k snapshot

# JupyterLab in Chinese at the repository root, opening the start notebook. --allow-root: CI
# and many servers run as root; LAB_ARGS adds options (e.g. LAB_ARGS="--no-browser --ip=0.0.0.0").
LAB_STAMP := $(VENV)/.lab-stamp
$(LAB_STAMP): $(STAMP) pyproject.toml
	@$(PIP) install --quiet --quiet -e '.[test,lab]'
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP) cjk-font
	@mkdir -p $(VENV)/share/jupyter/lab/settings
	@echo '{"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}' \
	  > $(VENV)/share/jupyter/lab/settings/overrides.json
	$(PY) -m jupyter lab --allow-root --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS) notebooks/00_开始.ipynb

bench: $(STAMP)
	$(PY) bench/bench_load.py
	$(PY) bench/bench_satisfaction.py
	$(PY) bench/bench_batch.py

clean:
	rm -rf $(VENV) reports .pytest_cache
