#!/usr/bin/env bash
# Embedded default: the web server and a Celery worker (with beat) on the filesystem broker,
# so long jobs (dossiers) run in the background and pages stay responsive. Ctrl-C stops both.
set -euo pipefail
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
cd "$(dirname "$0")/.."

"$PY" -m celery -A balance_inspect worker --beat --concurrency 1 --loglevel WARNING \
    --schedule var/celerybeat-schedule &
WORKER=$!
trap 'kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null' EXIT INT TERM

echo "后台任务进程已启动 (pid $WORKER)。打开 http://$HOST:$PORT"
"$PY" manage.py runserver "$HOST:$PORT" --noreload
