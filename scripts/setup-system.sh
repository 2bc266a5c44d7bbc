#!/usr/bin/env bash
# Paquets système des tests de la page citoyenne : Chromium de Debian (piloté par Playwright, qui ne
# télécharge jamais de navigateur ici) et Node.js/npm pour installer le DSFR et axe-core (`npm ci`).
# Cluster de production sur une machine (`make cluster`, tests/cluster) : PostgreSQL, Redis et nginx de Debian ;
# le lanceur démarre ses propres instances sur d'autres ports que les services système (bot/tooling/deploy/cluster.py).
# Idempotent : n'installe que ce qui manque. Les paquets Debian demandent d'être root.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Debian range initdb/postgres hors du PATH, dans /usr/lib/postgresql/<version>/bin.
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || command -v postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "Paquets système manquants : ${missing[*]}." >&2
    echo "Installez-les en root : sudo $0   (ou : sudo apt-get install -y ${missing[*]})" >&2
    exit 1
fi

echo "Installation des paquets Debian : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
/usr/bin/chromium --version 2>/dev/null | grep -i chromium || true
