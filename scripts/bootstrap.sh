#!/usr/bin/env bash
# First half of `make run`: venv, dependencies, system checks, migrations, demo data once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_venv.sh
bash scripts/check_system.sh
umask 077 # from here on: var/ (database, keys, media) private to this user
mkdir -p var
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py demo_data --if-empty
