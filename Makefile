# Two commands do all the set-up (see README):  make run   and   make test
# Both install only what is missing, so a second run starts at once.

PYTHON  ?= $(shell command -v python3.11 || command -v python3)
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export NUMBA_CACHE_DIR := $(CURDIR)/.numba_cache
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: i18n run test lint test-browser test-all test-deploy test-load test-robust test-screens corpus train probes bench bench-deploy load clean

run: $(VENV)/.app-installed
	$(BIN)/python -m ui.serve --server.port $(PORT)  # streamlit run app.py, warming up as it starts (ui/serve.py)

# Lint, then every test but the slow suites below (engine, figures, lessons, AppTest of every page, the API and
# notebooks; about 4-5 minutes on 2 cores). CI runs this.
test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# A real-browser test per page in Debian's chromium (tests/browser/, marker `browser`; about 13 minutes).
test-browser: $(VENV)/.dev-installed /usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
	$(BIN)/python -m pytest -m "browser and not screens" tests/browser

# What CI runs, then the browser, lesson-screen and classroom-robustness suites (the last needs nginx).
test-all: test test-browser test-screens test-robust

# Two replicas behind Debian's nginx on 127.0.0.1, driven by websocket students; one replica is killed
# mid-test (about 1.5 min, so not part of `make test`). See deploy/README.md.
test-deploy: $(VENV)/.dev-installed /usr/sbin/nginx
	$(BIN)/python -m pytest -m deploy tests/deploy

# Issue 24's classroom kinds that need fresh processes, a real browser or a real nginx (a few minutes).
test-robust: $(VENV)/.dev-installed /usr/bin/chromium /usr/sbin/nginx
	$(BIN)/python -m pytest -m robust tests

# Every step of every lesson in Chromium at 1280x720, projector mode, hide=sidebar: the chart and its question on
# one screen (lesson rule 2), and a screenshot of each lesson (a few minutes; not part of `make test`).
test-screens: $(VENV)/.dev-installed /usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
	$(BIN)/python -m pytest -m screens tests/browser/test_lessons_browser.py

# A few locust students against a live server: no errors, no cross-talk (about 1 min).
test-load: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m load tests/load

# The interface's catalogues (issue 29): extract each domain's strings (i18n/<domain>.cfg says which files), merge
# them into every language's .po (a new language: LANGS += xx, then translate i18n/locale/xx/LC_MESSAGES/*.po), and
# compile the .mo files the app reads. New strings come in untranslated; the catalogue test names them.
I18N_DOMAINS := app lessons charts
LANGS := zh
i18n: $(VENV)/.dev-installed
	for d in $(I18N_DOMAINS); do \
	  PYTHONPATH=. $(BIN)/pybabel -q extract -F i18n/$$d.cfg --no-wrap --sort-by-file --add-location=file -c TRANSLATORS: --project=nlp-model-explorer -o i18n/locale/$$d.pot . || exit 1; \
	  for l in $(LANGS); do \
	    if [ -f i18n/locale/$$l/LC_MESSAGES/$$d.po ]; then \
	      $(BIN)/pybabel -q update -D $$d -l $$l -i i18n/locale/$$d.pot -d i18n/locale --no-wrap --no-fuzzy-matching --ignore-obsolete || exit 1; \
	    else $(BIN)/pybabel -q init -D $$d -l $$l -i i18n/locale/$$d.pot -d i18n/locale --no-wrap || exit 1; fi; \
	  done; \
	  $(BIN)/pybabel compile -D $$d -d i18n/locale --statistics || exit 1; \
	done

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

corpus: $(VENV)/.app-installed
	$(BIN)/python -m engine.training.corpus build

# Retrain the shipped models (char-LSTM ~40 min, the plain char-RNN beside it ~40 min on one thread, biLM ~95 min
# + ~45 min of adaptation to its modern sources on 2 CPU cores), then measure them for their cards.
train: $(VENV)/.app-installed data/corpus/train.txt
	$(BIN)/python -m engine.training.train --export assets/charlstm charlstm
	$(BIN)/python -m engine.training.train --threads 1 --export assets/charrnn charrnn
	$(BIN)/python -m engine.training.train --export assets/elmo bilm
	$(BIN)/python -m engine.training.train --export assets/elmo bilm --init assets/elmo --name bilm-modern \
		--only oanc,fortunes,jargon,wordnet,devil --oversample oanc=2 --lr 1e-3 --steps 7000
	$(BIN)/python -m engine.training.modelcard
	$(BIN)/python -m engine.training.charrnn_card
	$(MAKE) probes

# What each layer knows (issue 26): the OANC sample the probes use, then every layer probed for
# assets/probes/card.json and probes.safetensors (about 30 min on 2 shared cores).
probes: $(VENV)/.app-installed data/corpus/train.txt
	$(BIN)/python -m engine.analysis.probe_card sample
	$(BIN)/python -m engine.analysis.probe_card card

data/corpus/train.txt:
	$(MAKE) corpus

bench: $(VENV)/.dev-installed data/corpus/train.txt
	for b in $(filter-out bench/load.py bench/streamlit_client.py bench/deploy.py bench/__init__.py bench/timing.py bench/floor_app.py,$(wildcard bench/*.py)); do $(BIN)/python $$b || exit 1; done

# A class of 30 on a fresh server (bench/load.py: locust users speaking Streamlit's websocket protocol):
# both mixes, 3 min each; e.g. `make load LOAD_ARGS="--users 10 --duration 60"`.
LOAD_ARGS ?=
load: $(VENV)/.dev-installed
	$(BIN)/python bench/load.py $(LOAD_ARGS)

$(VENV)/.app-installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -r requirements-dev.lock
	touch $@

# Debian's chromium for the browser tests (never `playwright install`: it downloads a browser).
/usr/bin/chromium:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

# Debian's CJK fonts, so the browser tests draw the Chinese interface (issue 29) without tofu boxes.
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
$(CJK_FONT):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-noto-cjk

# 30 students through nginx over 2 replicas, one killed mid-run: prints errors, spread and latency.
bench-deploy: $(VENV)/.dev-installed /usr/sbin/nginx
	$(BIN)/python bench/deploy.py

# Debian's nginx for the replica tests. The tests start their own nginx (temp prefix, foreground); the
# service the package starts on port 80 is stopped and disabled, as nothing used nginx before this rule.
/usr/sbin/nginx:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nginx
	-$(SUDO) systemctl disable --now nginx 2>/dev/null

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .numba_cache
