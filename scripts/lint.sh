#!/usr/bin/env bash
# ruff (lint and format) on the repository, then pylint-odoo on every Python
# file of the addon, named one by one: given the addon folder of links under
# .build/addons, pylint descends into none of its linked subfolders and would
# check no file at all.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
cd "$ROOT/.build/addons"
mapfile -t files < <(find -L partner_segmentation -name '*.py' -not -path '*/__pycache__/*' | sort)
[ "${#files[@]}" -gt 50 ] || { echo "lint.sh: ERROR: only ${#files[@]} Python files found" >&2; exit 1; }
# consider-merging-classes-inherited: each feature extends the core models in
# a package of its own (mailing/, policy/, credit/, card_check/…), by design
../../.venv/bin/pylint --rcfile="$ROOT/.pylintrc" \
    --disable=missing-readme,consider-merging-classes-inherited "${files[@]}"
echo "lint.sh: ruff and pylint-odoo clean (${#files[@]} Python files)"
