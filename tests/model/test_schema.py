"""The schema of papers.yaml ships with the tool, and is the models' own."""

from __future__ import annotations

import json

from dnnpapers.model.schema import SHIPPED, model_schema


def test_the_shipped_papers_schema_is_the_one_the_models_make():
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == model_schema(), (
        'the models changed: python -c "from dnnpapers.model.schema import ship; ship()"'
    )
