"""The JSON Schema of papers.yaml, generated from the models so editors and ``check`` agree."""

from __future__ import annotations

import json

from dnnpapers.models import PapersFile

__all__ = ["papers_schema", "SCHEMA_FILE"]

SCHEMA_FILE = "generated/papers.schema.json"


def papers_schema() -> str:
    """The schema as stable, pretty JSON text ending in a newline."""
    schema = PapersFile.model_json_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
