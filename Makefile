# Deux commandes pour commencer : `make run` et `make test`. Le reste sert au personnel du lab.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(PY) -m bot.quiet rasa
MODEL  := models/mois-innovation.tar.gz
STAMP  := $(VENV)/.installed
GENERATED := data/nlu/generated/catalogue.yml
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' -not -path 'data/nlu/generated/*' 2>/dev/null)

# Journaux lisibles : ni bavardage TensorFlow, ni barres de progression tqdm.
export TF_CPP_MIN_LOG_LEVEL := 3
export TQDM_DISABLE := 1
export PYTHONWARNINGS := ignore
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup web-setup run train generate validate test shell eval clean retrain rollback review import bench-retrain

help:
	@echo "make run    installe si besoin, entraîne si besoin, démarre l'assistant (Rasa :5005, actions :5055)"
	@echo "make test   installe si besoin, lance tous les tests"
	@echo "make train | validate | shell | eval | clean"
	@echo "make retrain | rollback | review | import REVIEW=… | bench-retrain   (personnel du lab)"
	@echo "make purge  supprime les conversations plus anciennes que TRACKER_RETENTION_DAYS (défaut 90 jours)"
	@echo "make bench  banc de vitesse du canal REST (1, 16, 64 conversations) contre le bot de rasa init (~8 min)"
	@echo "make cluster        production sur une machine : nginx :8000, 2 Rasa, 2 actions, PostgreSQL, Redis (deploy/README.md)"
	@echo "make bench-cluster  10 000 messages, 200 conversations via nginx, contrôle dans PostgreSQL (reports/cluster.md)"

$(STAMP): requirements.txt scripts/find-python310.sh
	@py=$$(scripts/find-python310.sh) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Création de $(VENV) avec $$py"; "$$py" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip check
	@touch $@

setup: $(STAMP)

# Page citoyenne : Chromium et Node.js de Debian (si absents), DSFR et axe-core depuis npm.
WEB_STAMP := node_modules/.web-setup
$(WEB_STAMP): package.json package-lock.json .dsfr.yml scripts/setup-system.sh
	scripts/setup-system.sh
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-setup: $(WEB_STAMP)

$(GENERATED): data/catalogue.yml bot/generate.py | $(STAMP)
	$(PY) -m bot generate

generate: $(GENERATED)

validate: $(GENERATED)
	$(PY) -m bot check
	$(RASA) data validate --fail-on-warnings --max-history 3 --quiet

# Ne réentraîne que si la configuration, le domaine ou les données ont changé. Le modèle prend la date
# du début de l'entraînement : un fichier modifié pendant l'entraînement le fera refaire la fois suivante.
# Puis le signe (models/mois-innovation.tar.gz.sig, clé MODEL_SIGNING_KEY ou var/model-signing-key créée au
# premier entraînement) : seuls les modèles signés sont chargés (docs/rgpd.md). Sans signature à jour : réentraîne.
$(MODEL): $(GENERATED) $(TRAINING_INPUTS) $(shell test $(MODEL).sig -nt $(MODEL) || echo unsigned-model) | $(STAMP)
	@date +%s.%N > $(VENV)/.train-started
	$(RASA) train --fixed-model-name mois-innovation --out models --quiet
	@touch -d @$$(cat $(VENV)/.train-started) $@
	$(PY) -m bot.privacy.signing $@

.PHONY: unsigned-model
unsigned-model:

train: $(MODEL)

run: $(MODEL) $(WEB_STAMP)
	$(PY) -m bot run

shell: $(MODEL)
	$(PY) -m bot shell

test: validate $(MODEL) $(WEB_STAMP)
	$(PY) -m pytest

# Banc d'essai NLU : ce pipeline, celui de Rasa par défaut et la variante fr_core_news_md (~15 min).
eval: $(GENERATED) | $(STAMP)
	$(PY) -m pip install --quiet -r requirements-eval.txt
	$(PY) -m bot.evaluation

# Personnel du lab (docs/guide-personnel.md)
retrain: | $(STAMP)
	$(PY) -m bot retrain

rollback: | $(STAMP)
	$(PY) -m bot rollback

review: | $(STAMP)
	$(PY) -m bot review

import: | $(STAMP)
	@test -n "$(REVIEW)" || { echo "Indiquez le fichier annoté : make import REVIEW=reviews/revue-AAAA-MM-JJ.yml" >&2; exit 2; }
	$(PY) -m bot import "$(REVIEW)"

bench-retrain: | $(STAMP)
	$(PY) -m bot.staff.bench

# Topologie de production sur une machine (deploy/README.md) ; Ctrl-C arrête tout.
.PHONY: cluster
cluster: $(MODEL) $(WEB_STAMP)
	$(PY) -m bot.deploy cluster

# Banc d'essai du cluster (~15 min) : écrit reports/cluster.md et reports/cluster.json.
.PHONY: bench-cluster
bench-cluster: $(MODEL) $(WEB_STAMP)
	$(PY) -m bot.deploy.bench

# Conservation des conversations (RGPD, docs/rgpd.md) ; le serveur Rasa purge aussi de lui-même chaque heure.
.PHONY: purge
purge: | $(STAMP)
	$(PY) -m bot purge

# Banc de vitesse (reports/bench.md) : modèle déjà entraîné requis (make train) ; le bot nu de `rasa init`
# est entraîné une fois puis gardé dans var/bench/. Ne lance pas d'entraînement du projet.
.PHONY: bench
bench: | $(STAMP)
	$(PY) -m bot.bench

clean:
	rm -rf models .rasa results var $(GENERATED)
