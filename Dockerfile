# The egov-watch image: the crawlers, the scoring, the scheduler and the console, installed from
# uv.lock. Build: docker compose build (docs/deployment.md). The base is a build argument: the
# public python:3.11-slim by default, or the local egov-python:3.11 on a machine without an image
# registry (deploy/base/build.sh).
ARG PYTHON_BASE=python:3.11-slim

# --- build stage: uv and the compilation happen here and never reach the final image ---
FROM ${PYTHON_BASE} AS build
# A TLS-inspecting proxy between the office and PyPI: its CA (PEM text, public) added to the
# build stage's bundle only; the final image never sees it.
ARG EXTRA_CA_CERTS=""
RUN { cat /etc/ssl/certs/ca-certificates.crt; printf '%s\n' "$EXTRA_CA_CERTS"; } > /etc/build-ca.pem
ENV SSL_CERT_FILE=/etc/build-ca.pem \
    PIP_CERT=/etc/build-ca.pem
# uv in a throw-away virtual environment (Debian's python refuses a system-wide pip install).
RUN python3 -m venv /opt/uv && /opt/uv/bin/pip install --no-cache-dir --quiet "uv>=0.4"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
# Dependencies first, in their own layer: rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock README.md ./
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-install-project --no-cache
# Then the project (the .dockerignore keeps local state, tests' caches and secrets out).
COPY . .
# The project's own modules are compiled too: the egov user cannot write __pycache__ in /app.
RUN /opt/uv/bin/uv sync --frozen --no-dev --no-cache \
    && /app/.venv/bin/python -m compileall -q crawler db scoring schedules samplesites

# --- final image: the base, one user, and /app copied from the build stage ---
FROM ${PYTHON_BASE}
# A fixed uid, so that the backup service (same uid) can read the var volume it archives.
RUN useradd --system --uid 10001 --create-home --home-dir /home/egov egov \
    && mkdir -p /app/var \
    && chown egov /app/var
COPY --from=build /app /app
WORKDIR /app
USER egov
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    TZ=Asia/Shanghai \
    EGOV_VAR_DIR=/app/var \
    EGOV_REPORTS_DIR=/app/var/reports

CMD ["schedules", "run"]
