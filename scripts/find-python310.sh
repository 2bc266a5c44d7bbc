#!/usr/bin/env bash
# Print the path of a working Python 3.10 (Rasa 3.6 does not run on newer Pythons).
# Candidates are probed by running them: a pyenv shim on PATH may exist yet fail.
set -u
probe() { "$@" -c 'import sys, venv; assert sys.version_info[:2] == (3, 10); print(sys.executable)' 2>/dev/null; }
candidates=()
[ -n "${PYTHON310:-}" ] && candidates+=("$PYTHON310")
candidates+=(python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$v/bin/python3.10")
  done
fi
for d in "$HOME"/.pyenv/versions/3.10*/bin/python3.10; do [ -x "$d" ] && candidates+=("$d"); done
for c in "${candidates[@]}"; do
  if found=$(probe "$c"); then echo "$found"; exit 0; fi
done
cat >&2 <<'MSG'
Python 3.10 introuvable. Rasa 3.6 exige Python 3.10 (les versions plus récentes ne sont pas prises en charge).
Installez-le, par exemple :  pyenv install 3.10.13   ou   apt-get install python3.10 python3.10-venv
ou indiquez son chemin :  make run PYTHON310=/chemin/vers/python3.10
MSG
exit 1
