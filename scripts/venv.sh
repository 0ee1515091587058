# Sourced by the scripts that run a Python tool from PyPI: the venv target/py (made again when
# an interrupted run left it without pip) with the pinned tool installed. The caller sets
# PYTHON and VENV and defines fail_setup.

# ensure_tool NAME VERSION: NAME==VERSION in $VENV.
ensure_tool() {
    local name=$1 version=$2
    command -v "$PYTHON" >/dev/null || fail_setup "$PYTHON not found; install the Debian packages python3 and python3-venv"
    if [ ! -x "$VENV/bin/python" ] || [ ! -x "$VENV/bin/pip" ]; then
        # Debian ships venv's pip bootstrap (ensurepip) separately, in python3-venv
        if ! "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null; then
            fail_setup "$PYTHON cannot create a venv: install the Debian package python3-venv (apt-get install python3-venv)"
        fi
        rm -rf "$VENV"
        mkdir -p "$(dirname "$VENV")"
        "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; fail_setup "python3 -m venv $VENV failed (on Debian: apt-get install python3-venv)"; }
    fi
    local installed
    installed=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)
    if [ "$installed" != "$version" ]; then
        echo "installing $name $version into $VENV"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$name==$version" ||
            fail_setup "pip could not install $name==$version"
    fi
}
