# 便民服务一本通 — two commands do everything on a fresh Debian machine:
#   make booklet   set up (once), check data/ and render every PDF into output/
#   make test      set up (once), then run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
FONT_FILES := fonts/NotoSansCJKsc-Regular.otf fonts/NotoSansCJKsc-Bold.otf \
              fonts/NotoSerifCJKsc-Regular.otf fonts/NotoSerifCJKsc-Bold.otf
DATA ?= data
OUT ?= output

.PHONY: booklet booklet-large plates cards check test bench setup clean
.DEFAULT_GOAL := booklet

booklet: setup
	$(BIN)/booklet build --data $(DATA) --out $(OUT)

booklet-large: setup
	$(BIN)/booklet build --large-print --data $(DATA) --out $(OUT)

# make plates              every office's door plates
# make plates STATION=ID   one office's;  make plates CADRE=ID   one person's
plates: setup
	$(BIN)/booklet plates --data $(DATA) --out $(OUT) $(if $(STATION),--station $(STATION)) $(if $(CADRE),--cadre $(CADRE))

cards: setup
	$(BIN)/booklet cards --data $(DATA) --out $(OUT) $(if $(STATION),--station $(STATION)) $(if $(CADRE),--cadre $(CADRE))

check: setup
	$(BIN)/booklet check --data $(DATA)

test: setup $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

# What only the tests use, on top of the set-up (make booklet does not install it).
# axe-core (the accessibility checker the phone edition's tests run in Chromium) from npm,
# pinned: the same rules on every machine.
AXE := axe-core@4.14.1
$(VENV)/.installed-test: $(INSTALLED) scripts/system-packages Makefile
	@echo "安装测试用的软件包……"
	@scripts/system-packages test
	@npm install --silent --no-audit --no-fund --prefix $(VENV)/npm $(AXE)
	@touch $@

# The fonts are checked on every set-up (booklet fonts): one cut short or replaced since is
# extracted again, as a missing one is.
setup: $(INSTALLED)
	$(BIN)/booklet fonts

# The stamp is newer than pyproject.toml once everything is installed: a second run installs nothing.
$(INSTALLED): pyproject.toml scripts/system-packages
	@echo "第一次运行，先安装所需的软件（系统软件包、Python 程序库、字体），约需 1～3 分钟，只需一次。"
	@echo "[1/3] 检查并安装系统软件包……"
	@scripts/system-packages
	@echo "[2/3] 创建 Python 虚拟环境 $(VENV)，安装程序库（约 1 分钟）……"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@echo "[3/3] 准备字体……"
	@touch $@

# Timings, memory and sizes at a real street office's scale and at 10x (takes a while):
#   make bench                       BENCH_SCALES="1 10" BENCH_RUNS=3 BENCH_BASELINE_RUNS=1 by default
#   make bench BENCH_SCALES=1 BENCH_RUNS=1 BENCH_PROFILE=1
bench: setup
	BENCH_SCALES="$(or $(BENCH_SCALES),1 10)" BENCH_RUNS="$(or $(BENCH_RUNS),3)" \
	  BENCH_BASELINE_RUNS="$(or $(BENCH_BASELINE_RUNS),1)" BENCH_PROFILE="$(BENCH_PROFILE)" \
	  $(BIN)/python bench/run.py

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis
