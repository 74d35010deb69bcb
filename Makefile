# The two commands in the README: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench soak install lock clean browser postgres nginx gdal

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The exact versions in uv.lock (with their hashes), the project itself editable. uv comes
# from PyPI first (its own version is locked too: the sync puts that one in place).
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Reinstall only when the project's dependencies or the lock change; `--locked` refuses a
# lock older than pyproject.toml (run `make lock`). Compiled to bytecode at install, as the
# image is: where PYTHONDONTWRITEBYTECODE is set, Python would otherwise compile every module
# again at every start (about 2 s of a start on a small server).
$(STAMP): pyproject.toml uv.lock | $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv sync --quiet --locked --compile-bytecode --extra test --extra bench
	touch $(STAMP)

# After changing dependencies in pyproject.toml: the lock again, keeping every other version
# as it was (`$(BIN)/uv lock --upgrade-package NAME` to move one on). Commit uv.lock with it.
lock: | $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv lock

# The pictures beside the easy-read words (OpenMoji) come from npm; the app serves them. The
# devDependencies come too: the OpenAPI linter the tests run (tests/api/test_openapi_lint.py).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "npm not found: trying apt-get install -y npm."; \
		command -v apt-get >/dev/null 2>&1 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm; \
	}
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

# The service's own modules compiled too (only those changed since: a fraction of a second).
run: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m compileall -q -j 0 api geodata locator maps
	$(BIN)/safeplaces serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy locator geodata maps api bench reports

# The browser tests (tests/browser) drive the system Chromium: Playwright's own download is
# not used. Install it when missing and possible; a browser that can't be had fails the run.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Chromium not found: trying apt-get install -y chromium."; \
		command -v apt-get >/dev/null 2>&1 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	} && command -v chromium >/dev/null 2>&1 || { \
		echo "make test needs Chromium for the browser tests and could not install it." >&2; \
		echo "Install it (Debian/Ubuntu: apt-get install -y chromium) or put it on PATH." >&2; \
		exit 1; \
	}

# The database tests (marked `postgres`) start a throw-away PostgreSQL server with its own
# initdb and pg_ctl, with PostGIS (for the places' geometry column). Install them when missing
# and possible; without them the run fails.
HAVE_INITDB = command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
HAVE_POSTGIS = ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1
# PostGIS is packaged per server version (postgresql-15-postgis-3): the newest server's.
PG_MAJOR = $$(ls /usr/lib/postgresql | sort -n | tail -1)
postgres:
	@{ $(HAVE_INITDB); } || { \
		echo "PostgreSQL not found: trying apt-get install -y postgresql."; \
		command -v apt-get >/dev/null 2>&1 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; \
	} && { $(HAVE_INITDB); } || { \
		echo "make test needs PostgreSQL (initdb, pg_ctl) for the database tests and could not install it." >&2; \
		echo "Install it (Debian/Ubuntu: apt-get install -y postgresql) or put its bin folder on PATH." >&2; \
		exit 1; \
	}
	@{ $(HAVE_POSTGIS); } || { \
		echo "PostGIS not found: trying apt-get install -y postgresql-$(PG_MAJOR)-postgis-3."; \
		command -v apt-get >/dev/null 2>&1 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-$(PG_MAJOR)-postgis-3; \
	} && { $(HAVE_POSTGIS); } || { \
		echo "make test needs PostGIS for the database tests and could not install it." >&2; \
		echo "Install it (Debian/Ubuntu: apt-get install -y postgresql-15-postgis-3, for PostgreSQL 15)." >&2; \
		exit 1; \
	}

# The replica test (tests/deploy) puts a real nginx in front of three replicas.
HAVE_NGINX = command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx
nginx:
	@{ $(HAVE_NGINX); } || { \
		echo "nginx not found: trying apt-get install -y nginx-light."; \
		command -v apt-get >/dev/null 2>&1 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx-light; \
	} && { $(HAVE_NGINX); } || { \
		echo "make test needs nginx for the replica test and could not install it." >&2; \
		echo "Install it (Debian/Ubuntu: apt-get install -y nginx-light) or put it on PATH." >&2; \
		exit 1; \
	}

# The OGC API - Features client tests (tests/api/test_ogc_gdal.py) run GDAL's own ogr2ogr.
gdal:
	@command -v ogr2ogr >/dev/null 2>&1 || { \
		echo "ogr2ogr not found: trying apt-get install -y gdal-bin."; \
		command -v apt-get >/dev/null 2>&1 && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y gdal-bin; \
	} && command -v ogr2ogr >/dev/null 2>&1 || { \
		echo "make test needs GDAL's ogr2ogr for the OGC API client tests and could not install it." >&2; \
		echo "Install it (Debian/Ubuntu: apt-get install -y gdal-bin) or put it on PATH." >&2; \
		exit 1; \
	}

test: lint browser postgres nginx gdal $(NODE_STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# Not part of `make test`: the real service on loopback under public readers, staff editors
# and imports at once for SOAK_SECONDS, then checks (docs/reliability.md). Exits 1 on a failed
# check. More options in SOAK_ARGS, e.g. SOAK_ARGS="--workers 2 --markdown docs/reliability.md".
SOAK_SECONDS ?= 180
SOAK_ARGS ?=
soak: $(STAMP) $(NODE_STAMP)
	$(BIN)/python -m bench.soak --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

clean:
	rm -rf $(VENV) var node_modules
