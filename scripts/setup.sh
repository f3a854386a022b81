#!/usr/bin/env bash
# Idempotent set-up for developing, demoing and testing partner_segmentation.
#
# Installs what is missing (Debian packages, a virtualenv with Odoo's
# requirements and the test tools), finds the Odoo 18.0 source, makes sure
# PostgreSQL runs and writes .build/odoo.conf.  Every failure stops with one
# line saying what is wrong and what to do.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/.build"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3.11}"
ODOO_BRANCH=18.0
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
mkdir -p "$BUILD"

die() { echo "setup: ERROR: $*" >&2; exit 1; }
say() { echo "setup: $*"; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: run as root or install sudo"
    SUDO="sudo"
fi

# --- Debian packages -------------------------------------------------------
DEB_PACKAGES=(libldap2-dev libsasl2-dev libpq-dev chromium wkhtmltopdf git
              python3-venv postgresql-client)
command -v pg_ctlcluster >/dev/null 2>&1 || DEB_PACKAGES+=(postgresql)
command -v "$PY" >/dev/null 2>&1 || DEB_PACKAGES+=(python3.11 python3.11-venv python3.11-dev)
missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# python3-venv is only needed when the interpreter lacks ensurepip.
if "$PY" -c 'import ensurepip' >/dev/null 2>&1; then
    tmp=(); for p in "${missing[@]}"; do [ "$p" = python3-venv ] || tmp+=("$p"); done; missing=("${tmp[@]}")
fi
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq >/dev/null || die "apt-get update failed: check the package mirrors"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >"$BUILD/apt.log" 2>&1 || die "apt-get install ${missing[*]} failed: see $BUILD/apt.log"
fi
command -v "$PY" >/dev/null 2>&1 || die "$PY not found: install Python 3.11 or set PYTHON"

# --- Odoo source -----------------------------------------------------------
if [ -n "${ODOO_SRC:-}" ]; then
    [ -f "$ODOO_SRC/odoo-bin" ] || die "ODOO_SRC=$ODOO_SRC has no odoo-bin: point ODOO_SRC at an Odoo 18.0 checkout"
elif [ -f /opt/odoo/18.0/odoo-bin ]; then
    ODOO_SRC=/opt/odoo/18.0
elif [ -f "$BUILD/odoo/odoo-bin" ]; then
    ODOO_SRC="$BUILD/odoo"
else
    say "no Odoo source found (ODOO_SRC, /opt/odoo/18.0): cloning $ODOO_BRANCH"
    rm -rf "$BUILD/odoo.partial"
    git clone --quiet --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$BUILD/odoo.partial" \
        || die "no Odoo source: set ODOO_SRC to an Odoo 18.0 checkout, lay one at /opt/odoo/18.0, or allow git to reach $ODOO_GIT_URL"
    mv "$BUILD/odoo.partial" "$BUILD/odoo"
    ODOO_SRC="$BUILD/odoo"
fi
grep -q "version_info = (18, 0" "$ODOO_SRC/odoo/release.py" 2>/dev/null \
    || die "$ODOO_SRC is not Odoo 18.0: point ODOO_SRC at an Odoo 18.0 checkout"

# --- PostgreSQL ------------------------------------------------------------
if ! pg_isready -q 2>/dev/null; then
    say "PostgreSQL is down: starting it"
    if command -v pg_ctlcluster >/dev/null 2>&1; then
        for cluster in $(pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2}'); do
            $SUDO pg_ctlcluster --skip-systemctl-redirect "${cluster%/*}" "${cluster#*/}" start >/dev/null 2>&1 || true
        done
    fi
    for _ in $(seq 1 20); do pg_isready -q 2>/dev/null && break; sleep 0.5; done
    pg_isready -q 2>/dev/null || die "PostgreSQL will not start: see /var/log/postgresql/ and 'pg_lsclusters'"
fi
if ! psql -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    say "creating PostgreSQL role $(id -un)"
    $SUDO -u postgres createuser --superuser "$(id -un)" 2>/dev/null \
        || su postgres -c "createuser --superuser $(id -un)" \
        || die "cannot create a PostgreSQL role for $(id -un): create it with 'createuser --superuser $(id -un)' as postgres"
fi

# --- Python virtualenv -----------------------------------------------------
# cbor2 5.4.2 (pinned by Odoo) does not build with setuptools>=70.
printf 'setuptools<70\n' > "$BUILD/build-constraints.txt"
stamp_src="$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt"; echo "$ODOO_SRC")"
stamp="$(printf '%s' "$stamp_src" | sha1sum | cut -c1-16)"
if [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$stamp" ]; then
    say "building the virtualenv in .venv (Odoo's and the addon's requirements, test tools)"
    [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" || die "cannot create $VENV: install python3.11-venv"
    export PIP_BUILD_CONSTRAINT="$BUILD/build-constraints.txt" PIP_CONSTRAINT="$BUILD/build-constraints.txt"
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    "$VENV/bin/pip" install -q "setuptools<70" wheel >"$BUILD/pip.log" 2>&1 \
        || die "pip could not install setuptools: see $BUILD/pip.log"
    "$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt" -r "$ROOT/requirements.txt" \
        -r "$ROOT/requirements-dev.txt" >>"$BUILD/pip.log" 2>&1 \
        || die "pip could not install the requirements: see $BUILD/pip.log"
    echo "$stamp" > "$VENV/.stamp"
fi

# --- Addons path and configuration -----------------------------------------
# The addon reaches Odoo under its technical name whatever the clone is called.
# Filestores live beside the databases, shared by every clone on this machine
# (the template database is shared too).
DATA_DIR="${PSSEG_DATA_DIR:-$HOME/.local/share/partner_segmentation}"
mkdir -p "$BUILD/addons" "$DATA_DIR"
# A real folder of links to the addon's own entries (not a link to the
# repository): Odoo walks addons with followlinks, and a link to the root
# would lead it into .venv and around .build forever.
ADDON="$BUILD/addons/partner_segmentation"
[ -L "$ADDON" ] && rm -f "$ADDON"
mkdir -p "$ADDON"
find "$ADDON" -mindepth 1 -maxdepth 1 -type l -delete
for entry in "$ROOT"/*; do
    case "$(basename "$entry")" in bench|scripts|Makefile|README.md|requirements.txt|requirements-dev.txt|pyproject.toml) continue ;; esac
    ln -sfn "$entry" "$ADDON/$(basename "$entry")"
done
# pytest names test modules from their path: it collects through this link
# (outside the addons path) so that they import as odoo.addons.partner_segmentation.
mkdir -p "$BUILD/pytest"
ln -sfn "$ROOT" "$BUILD/pytest/partner_segmentation"
cat > "$BUILD/odoo.conf" <<CONF
[options]
addons_path = $ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$BUILD/addons
data_dir = $DATA_DIR
http_interface = 127.0.0.1
gevent_port = 8072
db_host = False
db_port = False
list_db = True
log_level = warn
CONF
echo "$ODOO_SRC" > "$BUILD/odoo_src"
# Make `import odoo` work in the venv (pytest-odoo needs it) without building Odoo.
site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$ODOO_SRC" > "$site/odoo_src.pth"
say "ready (Odoo: $ODOO_SRC, venv: $VENV)"
