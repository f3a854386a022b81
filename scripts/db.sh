#!/usr/bin/env bash
# Database helpers shared by demo.sh, test.sh and bench: sourced, not run.
# A template database with Odoo and the addon's dependencies installed is
# built once per Odoo source and dependency list, so that every demo or test
# database is a fast `createdb -T` copy plus the install of this addon.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/.build"
VENV="$ROOT/.venv"
CONF="$BUILD/odoo.conf"
ODOO_SRC="$(cat "$BUILD/odoo_src")"
ODOO_BIN=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$CONF")
FILESTORE="$(awk -F' = ' '$1=="data_dir"{print $2}' "$CONF")/filestore"

die() { echo "$(basename "$0"): ERROR: $*" >&2; exit 1; }
say() { echo "$(basename "$0"): $*"; }

db_exists() { [ "$(psql -d postgres -Atqc "select 1 from pg_database where datname='$1'")" = 1 ]; }

module_depends() {
    "$VENV/bin/python" -c "import ast,sys; print(','.join(ast.literal_eval(open(sys.argv[1]).read())['depends']))" \
        "$ROOT/__manifest__.py"
}

# ensure_template: prints the template database's name, building it if needed.
ensure_template() {
    local deps key tpl
    deps="$(module_depends)"
    key="$(printf '%s|%s|%s' "$deps" "$ODOO_SRC" "$(cd "$ODOO_SRC" && ls -ld --time-style=+%s odoo/release.py | awk '{print $6}')" | sha1sum | cut -c1-10)"
    tpl="psseg_tpl_$key"
    mkdir -p "$FILESTORE"
    # One builder at a time (several clones or CI may share this machine).
    exec 9>"$FILESTORE/../template.lock"
    flock 9
    if ! db_exists "$tpl"; then
        say "building template database $tpl with: $deps (once, a few minutes)" >&2
        dropdb --if-exists "$tpl.partial" >/dev/null 2>&1 || true
        if ! "${ODOO_BIN[@]}" -d "$tpl.partial" -i "$deps" --stop-after-init --log-level=warn \
                >"$BUILD/template.log" 2>&1; then
            dropdb --if-exists "$tpl.partial" >/dev/null 2>&1 || true
            die "building the template database failed: see $BUILD/template.log"
        fi
        psql -d postgres -qc "ALTER DATABASE \"$tpl.partial\" RENAME TO \"$tpl\"" >/dev/null
        # Keep the filestore with the database (attachments of the dependencies).
        if [ -d "$FILESTORE/$tpl.partial" ]; then
            rm -rf "$FILESTORE/$tpl"
            mv "$FILESTORE/$tpl.partial" "$FILESTORE/$tpl"
        fi
    fi
    flock -u 9
    echo "$tpl"
}

# create_db NAME: a fresh database NAME with this addon and its demo data
# installed; dropped again if anything fails.
create_db() {
    local name="$1" tpl
    tpl="$(ensure_template)" || exit 1
    mkdir -p "$FILESTORE"
    dropdb --if-exists "$name" >/dev/null 2>&1 || true
    rm -rf "$FILESTORE/$name"
    createdb -T "$tpl" "$name" || die "cannot copy template $tpl to $name"
    if [ -d "$FILESTORE/$tpl" ]; then
        cp -a "$FILESTORE/$tpl" "$FILESTORE/$name"
    fi
    if ! "${ODOO_BIN[@]}" -d "$name" -i partner_segmentation --stop-after-init --log-level=warn \
            >"$BUILD/install-$name.log" 2>&1 \
        || grep -qE "(ERROR|CRITICAL) $name " "$BUILD/install-$name.log"; then
        dropdb --if-exists "$name" >/dev/null 2>&1 || true
        rm -rf "$FILESTORE/$name"
        tail -n 30 "$BUILD/install-$name.log" >&2
        die "installing partner_segmentation into $name failed (database dropped): see $BUILD/install-$name.log"
    fi
}

# module_installed NAME: is the addon installed in database NAME?
module_installed() {
    db_exists "$1" && [ "$(psql -d "$1" -Atqc "select state from ir_module_module where name='partner_segmentation'" 2>/dev/null)" = installed ]
}
