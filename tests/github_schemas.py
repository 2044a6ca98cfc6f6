"""GitHub's own schemas for workflows and issue forms, checked by check-jsonschema (its vendored copies), in this process:
the tests care whether GitHub would accept a file, not about check-jsonschema's process."""

from __future__ import annotations

from pathlib import Path

WORKFLOW_SCHEMA = "vendor.github-workflows"
ISSUE_FORM_SCHEMA = "vendor.github-issue-forms"


def rejected(schema: str, files: list[Path] | list[str]) -> str | None:
    """None when every file is valid under ``schema``; else check-jsonschema's report."""
    from check_jsonschema import main as check_jsonschema
    from click.testing import CliRunner

    done = CliRunner().invoke(check_jsonschema, ["--builtin-schema", schema, *map(str, files)])
    return None if done.exit_code == 0 else done.output
