# syntax=docker/dockerfile:1
# Safe Places Locator for council servers: the runtime install from uv.lock (exact versions
# and hashes, no test tools), run by a user without root, every setting from the environment.
# Build: docker build -t safeplaces-locator .   Run: compose.yaml (README "Deploy").

ARG PYTHON_VERSION=3.11

# -- the service and its locked dependencies, in /opt/safeplaces ------------------------------
FROM python:${PYTHON_VERSION}-slim AS build
RUN pip install --no-cache-dir "uv==0.13.9"
ENV UV_PROJECT_ENVIRONMENT=/opt/safeplaces \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
# The optional parts: the PostgreSQL driver (compose.yaml's database) and Parquet (the
# national postcode file). A SQLite-only image without the national file: EXTRAS="".
ARG EXTRAS="--extra postgres --extra national"
WORKDIR /src
# Dependencies first, in a layer of their own: a code change doesn't reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-editable --no-install-project --no-cache $EXTRAS
COPY locator locator
COPY geodata geodata
COPY maps maps
COPY reports reports
COPY api api
RUN uv sync --locked --no-editable --no-cache $EXTRAS

# -- the pictures beside the easy-read words (OpenMoji, from npm as `make install` gets them)
FROM node:20-slim AS pictures
WORKDIR /src
COPY package.json package-lock.json ./
# Only what the app serves: the OpenAPI linter (a devDependency) is for the tests.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error

# -- what runs -------------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/safeplaces --create-home \
    safeplaces
COPY --from=build /opt/safeplaces /opt/safeplaces
COPY --from=pictures /src/node_modules/openmoji/color/svg /opt/openmoji
# The open data is mounted read-only at /data; the cache, the SQLite database (when no
# SAFEPLACES_DATABASE_URL is given) and import previews live in /var/lib/safeplaces, a
# volume that replicas share. Any SAFEPLACES_* variable given to the container wins.
ENV PATH=/opt/safeplaces/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SAFEPLACES_DATA_DIR=/data \
    SAFEPLACES_CACHE_DIR=/var/lib/safeplaces/cache \
    SAFEPLACES_PAGES__PICTURES_DIR=/opt/openmoji \
    SAFEPLACES_SERVER__HOST=0.0.0.0 \
    SAFEPLACES_SERVER__PORT=8000 \
    SAFEPLACES_SERVER__ENVIRONMENT=production \
    SAFEPLACES_SERVER__LOG_FORMAT=json
USER safeplaces
WORKDIR /var/lib/safeplaces
VOLUME ["/var/lib/safeplaces"]
EXPOSE 8000
# Ready means the data is loaded and the database answers (/readyz), not just "a process".
# Python, not curl: the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
CMD ["safeplaces", "serve"]
