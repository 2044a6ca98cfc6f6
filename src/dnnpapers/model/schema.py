"""The JSON Schema of papers.yaml, generated from the models so editors and ``check`` agree.

With the list's taxonomy it also enumerates the tag slugs, so an editor
completes a tag and flags a wrong one ('early-exits') as it is typed.

The models' own schemas of papers.yaml and talks.yaml ship beside this module
(``papers.schema.json``, ``talks.schema.json``, which tests/model/test_schema.py
holds to ``model_schema()`` and ``talks_model_schema()``): a render, whose papers
the quick path made by model_construct, then builds no pydantic schema for them
(20 ms at start-up for the papers, 60 ms for the talks, and 5 ms each time a
process renders again), and every machine writes the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from dnnpapers.model.fields import FIRST_YEAR

if TYPE_CHECKING:
    from dnnpapers.model.taxonomy import Taxonomy

__all__ = ["papers_schema", "talks_schema", "SCHEMA_FILE", "SCHEMA_ID", "TALKS_SCHEMA_FILE"]

SCHEMA_FILE = "generated/papers.schema.json"
SCHEMA_ID = "urn:dnnpapers:schema:papers"
TALKS_SCHEMA_FILE = "generated/talks.schema.json"
#: PapersFile.model_json_schema() as the tool ships it (model_schema() makes it again).
SHIPPED = Path(__file__).with_name("papers.schema.json")
#: TalksFile.model_json_schema() as the tool ships it (talks_model_schema() makes it again).
TALKS_SHIPPED = Path(__file__).with_name("talks.schema.json")


def model_schema() -> dict:
    """The JSON Schema pydantic makes of papers.yaml's model; papers.schema.json is this, written by
    ``python -c "from dnnpapers.model.schema import ship; ship()"``."""
    from dnnpapers.model.models import PapersFile

    return PapersFile.model_json_schema()


def talks_model_schema() -> dict:
    """The JSON Schema pydantic makes of talks.yaml's model; talks.schema.json is this."""
    from dnnpapers.model.models import TalksFile

    return TalksFile.model_json_schema()


def ship() -> None:
    """Write model_schema() to papers.schema.json and talks_model_schema() to talks.schema.json (after a change to the models)."""
    for path, schema in ((SHIPPED, model_schema()), (TALKS_SHIPPED, talks_model_schema())):
        path.write_text(_text(schema), encoding="utf-8")


def _text(schema: dict) -> str:
    """Stable, pretty JSON text ending in a newline: the same bytes on every machine."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _shipped(path: Path, schema_id: str) -> dict:
    """A shipped model schema, read afresh (each caller adjusts its own copy), under its dialect and id."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, **json.loads(path.read_text(encoding="utf-8"))}


def papers_schema(taxonomy: Taxonomy | None = None) -> str:
    """The schema as stable, pretty JSON text ending in a newline."""
    schema = _shipped(SHIPPED, SCHEMA_ID)
    paper = schema["$defs"]["Paper"]["properties"]
    paper["year"]["minimum"] = FIRST_YEAR  # the upper bound moves with the calendar; check enforces it
    paper["title"]["minLength"] = 1
    paper["tags"]["uniqueItems"] = True
    if taxonomy is not None:
        paper["tags"]["items"] = {"enum": [node.slug for node in taxonomy.walk()], "type": "string"}
    return _text(schema)


def talks_schema(paper_ids: list[str] | None = None) -> str:
    """The schema of data/talks.yaml; with the list's paper ids, editors complete a talk's papers."""
    schema = _shipped(TALKS_SHIPPED, "urn:dnnpapers:schema:talks")
    talk = schema["$defs"]["Talk"]["properties"]
    talk["papers"]["uniqueItems"] = True
    talk["presenters"]["items"] = {"anyOf": [{"type": "string", "minLength": 1}, {"$ref": "#/$defs/Presenter"}]}  # a plain name too
    if paper_ids:  # arXiv ids of listed papers are understood too, so a pattern joins the ids
        talk["papers"]["items"] = {"anyOf": [{"enum": sorted(paper_ids)}, {"pattern": r"^\d{4}\.\d{4,5}$"}], "type": "string"}
    return _text(schema)
