#!/usr/bin/env bash
# Developer tool (before the first release only): rewrite the initial migration from the models.
# Serialised with flock so that two developers editing models at once do not clash.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/dondoc-regen.lock
flock 9
rm -f storage/migrations/versions/0001_initial_schema.py
.venv/bin/python -m storage.migrations.autogen "initial schema"
