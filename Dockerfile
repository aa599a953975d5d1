# The egov-watch image: the crawlers, the scoring and the scheduler, installed from uv.lock.
# Build: docker compose build   (see docker-compose.yml; README explains the deployment)
FROM python:3.11-slim

# uv from the package registry; the exact dependency versions come from uv.lock (--frozen).
RUN pip install --no-cache-dir "uv>=0.4"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1 \
    TZ=Asia/Shanghai

WORKDIR /app

# Dependencies first, in their own layer: rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# The project's own modules are compiled too: the egov user cannot write __pycache__ in /app.
RUN uv sync --frozen --no-dev \
    && /app/.venv/bin/python -m compileall -q crawler db scoring schedules samplesites \
    && useradd --system --create-home --home-dir /home/egov egov \
    && mkdir -p /app/var \
    && chown egov /app/var

USER egov
ENV PATH=/app/.venv/bin:$PATH \
    EGOV_VAR_DIR=/app/var \
    EGOV_REPORTS_DIR=/app/var/reports

CMD ["schedules", "run"]
