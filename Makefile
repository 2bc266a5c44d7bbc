# Deux commandes pour commencer : `make run` et `make test`. Chaque cible appelle `python -m bot <commande>`
# (python -m bot --help) ; le reste sert au personnel du lab, aux mesures et à la production.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
BOT    := $(PY) -m bot
MODEL  := models/mois-innovation.tar.gz
STAMP  := $(VENV)/.installed
GENERATED := data/nlu/generated/catalogue.yml
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' -not -path 'data/nlu/generated/*' 2>/dev/null)
PYTHON_SOURCES := bot actions tests

# Journaux lisibles : ni bavardage TensorFlow, ni barres de progression tqdm.
export TF_CPP_MIN_LOG_LEVEL := 3
export TQDM_DISABLE := 1
export PYTHONWARNINGS := ignore
export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup web-assets test-system run train generate validate lint format test shell eval clean \
        staff-user captures-console retrain rollback review import import-events purge bench bench-retrain bench-training cluster bench-cluster unsigned-model

help:
	@echo "make run    installe si besoin, entraîne si besoin, démarre l'assistant (page :8080, Rasa :5005, actions :5055, console du lab :8081)"
	@echo "make test   installe si besoin, vérifie le code et les données, lance tous les tests"
	@echo "make train | validate | lint | format | shell | eval | clean"
	@echo "make staff-user NAME=… [ROLE=publieur]   compte de la console du lab (http://localhost:8081)"
	@echo "make retrain | rollback | review | import REVIEW=… | purge   (personnel du lab, en ligne de commande)"
	@echo "make import-events FICHIER=agenda.ics [OPTIONS=\"--rapport reports/import.md\"]   événements d'un .ics ou d'un export OpenAgenda"
	@echo "make captures-console   refait les captures du guide du personnel (docs/console/)"
	@echo "make bench | bench-retrain | bench-training | bench-cluster   (mesures, reports/)"
	@echo "make cluster   production sur une machine : nginx :8000, 2 Rasa, 2 actions, PostgreSQL, Redis (deploy/README.md)"
	@echo "Toutes les commandes : $(PY) -m bot --help"

# Python 3.10 et les dépendances figées, dans .venv : rien d'autre pour faire tourner le bot.
$(STAMP): requirements.txt scripts/find-python310.sh
	@py=$$(scripts/find-python310.sh) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Création de $(VENV) avec $$py"; "$$py" -m venv $(VENV) || exit 1; fi
	@echo "Installation des dépendances Python (requirements.txt, environ 3 minutes la première fois)…"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip check
	@touch $@

setup: $(STAMP)

# DSFR de la page citoyenne (et axe-core des tests) depuis npm : Node.js/npm n'est demandé que s'ils manquent.
WEB_STAMP := node_modules/.web-assets
$(WEB_STAMP): package.json package-lock.json .dsfr.yml
	@command -v npm >/dev/null 2>&1 || { echo "Le DSFR de la page citoyenne s'installe avec npm, absent de cette machine :" \
	  "installez Node.js et npm (par exemple : apt-get install nodejs npm), puis relancez." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-assets: $(WEB_STAMP)

# Paquets Debian des tests et du cluster seulement (Chromium, Node.js, PostgreSQL, Redis, nginx) : en root.
test-system:
	scripts/setup-system.sh

$(GENERATED): data/catalogue.yml bot/tooling/generate.py | $(STAMP)
	$(BOT) generate

generate: $(GENERATED)

validate: $(GENERATED)
	$(BOT) check
	$(BOT) rasa data validate --fail-on-warnings --max-history 3 --quiet

# Ne réentraîne que si la configuration, le domaine ou les données ont changé, ou si la signature manque.
# `python -m bot train` affiche les étapes, les époques de DIET et le temps écoulé, puis signe le modèle
# (clé MODEL_SIGNING_KEY ou var/model-signing-key) : seuls les modèles signés sont chargés (docs/rgpd.md).
$(MODEL): $(GENERATED) $(TRAINING_INPUTS) $(shell test $(MODEL).sig -nt $(MODEL) || echo unsigned-model) | $(STAMP)
	$(BOT) train

unsigned-model:

train: $(MODEL)

run: $(MODEL) $(WEB_STAMP)
	$(BOT) run

shell: $(MODEL)
	$(BOT) shell

lint: | $(STAMP)
	$(PY) -m ruff check $(PYTHON_SOURCES)
	$(PY) -m ruff format --check $(PYTHON_SOURCES)

format: | $(STAMP)
	$(PY) -m ruff format $(PYTHON_SOURCES)
	$(PY) -m ruff check --fix $(PYTHON_SOURCES)

test: test-system lint validate $(MODEL) $(WEB_STAMP)
	$(PY) -m pytest

# Banc d'essai NLU : ce pipeline, celui de Rasa par défaut et la variante fr_core_news_md (~15 min).
eval: $(GENERATED) | $(STAMP)
	$(PY) -m pip install --quiet -r requirements-eval.txt
	$(BOT) eval

# Personnel du lab (docs/guide-personnel.md)
# Un compte de la console du lab : make staff-user NAME=prenom.nom [ROLE=publieur] (mot de passe demandé).
staff-user: | $(STAMP)
	@test -n "$(NAME)" || { echo "Indiquez l'identifiant : make staff-user NAME=prenom.nom [ROLE=publieur]"; exit 2; }
	$(BOT) staff-user "$(NAME)" $(if $(ROLE),--role "$(ROLE)")

retrain: | $(STAMP)
	$(BOT) retrain

# Les captures d'écran du guide (docs/console/), prises par le parcours de la console dans Chromium.
captures-console: test-system $(MODEL) $(WEB_STAMP)
	$(PY) -m pytest tests/console/test_training.py -k staff_loop --captures-console -p no:cacheprovider

rollback: | $(STAMP)
	$(BOT) rollback

review: | $(STAMP)
	$(BOT) review

import: | $(STAMP)
	@test -n "$(REVIEW)" || { echo "Indiquez le fichier annoté : make import REVIEW=reviews/revue-AAAA-MM-JJ.yml" >&2; exit 2; }
	$(BOT) import "$(REVIEW)"

# Événements d'un fichier iCalendar ou d'un export OpenAgenda vers le catalogue (python -m bot import-events --help) :
# make import-events FICHIER=agenda.ics [OPTIONS="--sortie autre.yml --rapport reports/import.md"]. Rien n'est écrit en cas d'erreur.
import-events: | $(STAMP)
	@test -n "$(FICHIER)" || { echo "Indiquez le fichier : make import-events FICHIER=agenda.ics (ou un export OpenAgenda .json)" >&2; exit 2; }
	$(BOT) import-events "$(FICHIER)" $(OPTIONS)

# Conservation des conversations (RGPD, docs/rgpd.md) ; le serveur Rasa purge aussi de lui-même chaque heure.
purge: | $(STAMP)
	$(BOT) purge

# Mesures (reports/) : modèle déjà entraîné requis pour bench ; le bot nu de `rasa init` est gardé dans var/bench/.
bench: | $(STAMP)
	$(BOT) bench

bench-retrain: | $(STAMP)
	$(BOT) bench-retrain

bench-training: $(GENERATED) | $(STAMP)
	$(BOT) bench-training

# Topologie de production sur une machine (deploy/README.md) ; Ctrl-C arrête tout.
cluster: test-system $(MODEL) $(WEB_STAMP)
	$(BOT) cluster

# Banc d'essai du cluster (~15 min) : écrit reports/cluster.md et reports/cluster.json.
bench-cluster: test-system $(MODEL) $(WEB_STAMP)
	$(BOT) bench-cluster

clean:
	rm -rf models .rasa results var $(GENERATED)
