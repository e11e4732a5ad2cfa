#!/usr/bin/env bash
# Run the OpenAI wrapper tests against a previous openai major in a throwaway venv (not part of
# the main test command). Usage: tests/providers/prev_openai.sh [1|2]   (default: 2)
set -euo pipefail
major="${1:-2}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
venv="${TMPDIR:-/tmp}/amplitude-ai-openai${major}-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "openai>=${major},<$((major + 1))" 'amplitude-analytics>=1.1' 'genai-prices>=0.0.30' \
    pytest pytest-asyncio httpx starlette
fi
# import amplitude_ai straight from runtime/ (the package-dir mapping) without installing the repo
src="$venv/amplitude-ai-src"
mkdir -p "$src" && ln -sfn "$repo/runtime" "$src/amplitude_ai"
site="$("$venv/bin/python" -c 'import site; print(site.getsitepackages()[0])')"
printf '%s\n%s\n' "$src" "$repo" > "$site/amplitude_ai_src.pth"
cd "$repo"
"$venv/bin/python" -c 'import openai; print("openai", openai.__version__)'
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/providers/test_openai.py \
  tests/providers/test_transparency_openai.py tests/providers/test_parity.py tests/providers/test_wrap.py \
  tests/providers/test_patching.py
