#!/usr/bin/env bash
# HTTP load benchmark (ARCHITECTURE.md, "Performance harness"): the LMS and a minimal Flask "hello" app served the
# same way by gunicorn, key pages measured with wrk, each as a ratio of the hello ceiling. Arguments go to
# bench/run.py, e.g.  bench/http.sh --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_x --seconds 10
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-$here/../.venv/bin/python}"
exec "$python" "$here/run.py" "$@"
