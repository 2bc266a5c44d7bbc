#!/usr/bin/env bash
# Paquets système des tests de la page citoyenne : Chromium de Debian (piloté par Playwright, qui ne
# télécharge jamais de navigateur ici) et Node.js/npm pour installer le DSFR et axe-core (`npm ci`).
# Idempotent : n'installe que ce qui manque. Les paquets Debian demandent d'être root.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

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
