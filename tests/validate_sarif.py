#!/usr/bin/env python3
"""Validates a SARIF log (stdin) against the vendored OASIS SARIF 2.1.0 schema
(tests/sarif-schema-2.1.0.json, from github.com/oasis-tcs/sarif-spec sarif-2.1/schema/).
Exit 0 when valid; otherwise print the first errors and exit 1. Needs the `jsonschema` package
(build.sh installs it when missing)."""
import json, os, sys

import jsonschema

schema = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sarif-schema-2.1.0.json')))
doc = json.load(sys.stdin)
validator = jsonschema.Draft4Validator(schema)
errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:10]:
    print(f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}")
sys.exit(1 if errors else 0)
