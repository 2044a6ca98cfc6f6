"""The schemas of papers.yaml and talks.yaml ship with the tool, and are the models' own."""

from __future__ import annotations

import json

from dnnpapers.model.schema import SHIPPED, TALKS_SHIPPED, model_schema, talks_model_schema


def test_the_shipped_papers_schema_is_the_one_the_models_make():
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == model_schema(), (
        'the models changed: python -c "from dnnpapers.model.schema import ship; ship()"'
    )


def test_the_shipped_talks_schema_is_the_one_the_models_make():
    assert json.loads(TALKS_SHIPPED.read_text(encoding="utf-8")) == talks_model_schema(), (
        'the models changed: python -c "from dnnpapers.model.schema import ship; ship()"'
    )
