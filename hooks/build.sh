#!/usr/bin/env bash
# ASK CLI build hook. `ask deploy` runs hooks/build.sh (its custom build flow, chosen before the
# python-pip one) as: hooks/build.sh <OUT_FILE> <DO_DEBUG>, from a copy of the code root (lambda/).
# The Lambda needs the skill package beside lambda_function.py, so the zip is built from the
# repository by `gesprekscoach package-lambda`: lambda/ + the skill modules the Lambda imports +
# ask-sdk-core for the Lambda platform, with bytecode made by the runtime's Python
# (ask-resources.json's "runtime"). Without that Python here, package-lambda makes the runtime follow
# the Python that builds the zip, in ask-resources.json and template.yaml; `ask deploy` has read its
# config already, so the hook then stops (status 3) and asks for the deploy to run again.
set -euo pipefail
out_file="${1:-upload.zip}"
do_debug="${2:-false}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="$root/.venv/bin/python"
check=()
if [ ! -x "$python" ]; then
  python="$(command -v python3)"
  check=(--no-check)  # without the project's venv there is no ask-sdk-core to try the staged code with
fi
[ "$do_debug" = true ] && echo "[Debug] building $out_file with $python" >&2
PYTHONPATH="$root${PYTHONPATH:+:$PYTHONPATH}" "$python" -m skill.dev.cli package-lambda \
  --source "$root" --build-dir "$root/build/lambda" --output "$out_file" --fail-on-runtime-change "${check[@]}"
