#!/usr/bin/env bash
# Installs schemathesis (pinned, from PyPI) into the project-local .venv/schemathesis when it is
# missing or holds other versions, and prints the path of its `st` command. Needs Python 3.10+
# with pip (and the venv module; without it, pip --target into the same folder is used instead).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
VENV_DIR="${SCHEMATHESIS_VENV_DIR:-$PWD/.venv/schemathesis}"
REQUIREMENTS="$PWD/scripts/schemathesis/requirements.txt"
STAMP="$VENV_DIR/.requirements"
PYTHON="${PYTHON:-python3}"

command -v "$PYTHON" >/dev/null || { echo "schemathesis needs Python 3 with pip ($PYTHON not found)" >&2; exit 1; }

if [ -f "$STAMP" ] && cmp -s "$STAMP" "$REQUIREMENTS"; then
  [ -x "$VENV_DIR/bin/st" ] && { echo "$VENV_DIR/bin/st"; exit 0; }
fi

echo "== installing schemathesis into $VENV_DIR (PyPI, pinned in scripts/schemathesis/requirements.txt)" >&2
rm -rf "$VENV_DIR"
if "$PYTHON" -m venv "$VENV_DIR" >/dev/null 2>&1 && [ -x "$VENV_DIR/bin/pip" ]; then
  "$VENV_DIR/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
else
  # No venv module (e.g. Debian without python3-venv): the packages go into a plain folder and a
  # small launcher puts it on PYTHONPATH.
  rm -rf "$VENV_DIR"
  "$PYTHON" -m pip install --quiet --disable-pip-version-check --target "$VENV_DIR/site" -r "$REQUIREMENTS" >&2
  mkdir -p "$VENV_DIR/bin"
  cat > "$VENV_DIR/bin/st" <<LAUNCHER
#!/usr/bin/env bash
PYTHONPATH="$VENV_DIR/site\${PYTHONPATH:+:\$PYTHONPATH}" exec "$(command -v "$PYTHON")" -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "st"; schemathesis()' "\$@"
LAUNCHER
  chmod +x "$VENV_DIR/bin/st"
fi
cp "$REQUIREMENTS" "$STAMP"
echo "$VENV_DIR/bin/st"
