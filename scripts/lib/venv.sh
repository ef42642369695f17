# Sourced by scripts/test and scripts/bench: puts the pinned moto emulator in .venv.
PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "$0: $PYTHON not found; the moto emulator needs Python 3.9+" >&2
  exit 1
fi
# Reinstalled only when the pin changes.
want="$(sha256sum tests/moto/requirements.txt | cut -c1-16)"
if [ "$(cat .venv/.awstop-req 2>/dev/null)" != "$want" ]; then
  echo "$0: installing the test dependencies into .venv" >&2
  rm -rf .venv
  "$PYTHON" -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/moto/requirements.txt
  echo "$want" > .venv/.awstop-req
fi
