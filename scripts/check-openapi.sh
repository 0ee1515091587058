#!/usr/bin/env bash
# Validates the API document (api-spec/openapi.yaml, or the file given) as OpenAPI 3.0 with
# openapi-spec-validator, installed into a Python venv under target/py on first use.
# Before that it checks what the validator does not: the YAML has no duplicate keys (YAML
# loaders keep the last one silently) and declares `openapi: 3.0.x`.
# Exit status: 0 valid, 1 invalid, 2 the tools could not be set up.
set -euo pipefail

cd "$(dirname "$0")/.."
SPEC=${1:-api-spec/openapi.yaml}
VENV=target/py
VALIDATOR=openapi-spec-validator
VALIDATOR_VERSION=0.8.4
PYTHON=${PYTHON:-python3}

fail_setup() {
    echo "check-openapi: $*" >&2
    exit 2
}

[ -f "$SPEC" ] || fail_setup "no such file: $SPEC"
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
ensure_tool "$VALIDATOR" "$VALIDATOR_VERSION"

"$VENV/bin/python" - "$SPEC" <<'PY'
import sys

import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator

path = sys.argv[1]


class StrictLoader(yaml.SafeLoader):
    """A loader that refuses a key repeated in one mapping."""


def mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)

try:
    with open(path, encoding="utf-8") as f:
        spec = yaml.load(f, Loader=StrictLoader)
except (yaml.YAMLError, UnicodeDecodeError) as e:
    print(f"{path}: not valid YAML: {e}")
    sys.exit(1)

version = str(spec.get("openapi", "")) if isinstance(spec, dict) else ""
if not version.startswith("3.0."):
    print(f"{path}: declares openapi '{version}', expected 3.0.x")
    sys.exit(1)

try:
    errors = list(OpenAPIV30SpecValidator(spec).iter_errors())
except Exception as e:  # an unresolvable $ref raises instead of being reported
    ref = getattr(e, "ref", None)
    reason = f"cannot resolve $ref '{ref}'" if ref else f"{type(e).__name__}: {str(e)[:300]}"
    print(f"{path}: {reason}")
    sys.exit(1)
for e in errors:
    where = "/".join(str(p) for p in e.absolute_path) or "(document)"
    print(f"{path}: {where}: {e.message}")
if errors:
    print(f"{path}: {len(errors)} error(s)")
    sys.exit(1)

paths = spec.get("paths", {})
operations = sum(1 for item in paths.values() for m in item if m in ("get", "put", "post", "delete", "patch", "head", "options", "trace"))
schemas = len(spec.get("components", {}).get("schemas", {}))
print(f"{path}: YAML parses with no duplicate keys; OpenAPI {version}")
print(f"{path}: {len(paths)} paths, {operations} operations, {schemas} schemas")
PY

# the validator's own command line, for its verdict in its own words
"$VENV/bin/openapi-spec-validator" --schema 3.0 "$SPEC"
