"""The files GitHub reads: workflows, pre-commit hooks, the issue form."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import REPO
from github_schemas import ISSUE_FORM_SCHEMA, WORKFLOW_SCHEMA, rejected
from dnnpapers.outputs.github import ISSUE_FORM, issue_form
from dnnpapers.access.loading import load_list

WORKFLOWS = [REPO / f"{folder}/{name}.yml" for folder in (".github/workflows", "src/dnnpapers/curation/scaffold/workflows") for name in ("list", "refresh", "discover", "pages")]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO)))
def test_workflows_parse_and_pin_every_action_to_a_commit(path):
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    runs = " ".join(step.get("run", "") for step in steps)
    if path.name == "list.yml":
        assert set(workflow[True]) == {"pull_request", "push"}  # YAML 1.1 reads the key `on` as true
        assert "dnnpapers check --format github" in runs and "dnnpapers render --check" in runs
    elif path.name == "discover.yml":
        assert "schedule" in workflow[True] and "dnnpapers discover --format markdown" in runs
        assert "gh issue edit" in runs and "gh issue create" in runs and workflow["permissions"] == {"contents": "read", "issues": "write"}
        assert "[discover]" in runs or "{tool_discover}" in runs  # the extra that discover needs (filled in by init)
    elif path.name == "pages.yml":
        assert workflow[True]["push"] == {"branches": ["main"]} and "dnnpapers render" in runs
        uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
        assert uses[-3:] == ["actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"]
        upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
        assert upload["with"]["path"] == "generated/site"
        assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
        assert workflow["jobs"]["deploy"]["environment"]["name"] == "github-pages"
    else:
        assert "schedule" in workflow[True] and "dnnpapers update" in runs and "dnnpapers render" in runs
        assert any(step.get("uses", "").startswith("peter-evans/create-pull-request@") for step in steps)


def test_the_repo_workflow_also_runs_the_tests():
    assert "pytest" in (REPO / ".github/workflows/list.yml").read_text()


def test_pre_commit_hooks_and_the_repos_own_config():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"dnnpapers-check", "dnnpapers-render"}
    assert hooks["dnnpapers-check"]["entry"] == "dnnpapers check" and hooks["dnnpapers-render"]["entry"] == "dnnpapers render"
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    used = {h["id"]: h["entry"] for repo in config["repos"] for h in repo["hooks"]}
    assert used == {k: v["entry"] for k, v in hooks.items()}


def test_the_issue_form_asks_for_the_fields_add_takes_with_the_taxonomys_slugs():
    paper_list = load_list(REPO)
    form = yaml.safe_load((REPO / ISSUE_FORM).read_text(encoding="utf-8"))
    assert (REPO / ISSUE_FORM).read_text(encoding="utf-8") == issue_form(paper_list.taxonomy)
    fields = {item["id"]: item for item in form["body"]}
    assert set(fields) == {"arxiv", "tags", "focus", "code", "notes"}
    slugs = [option.split(" ")[0] for option in fields["tags"]["attributes"]["options"]]
    assert slugs == [node.slug for node in paper_list.taxonomy.walk()]


def test_every_workflow_a_list_gets_validates_against_githubs_schema(tmp_path):
    from dnnpapers.curation.scaffold import init_list

    init_list(tmp_path / "new", tool="dnnpapers @ git+https://example.org/dnnpapers@v0.1.0")
    files = sorted((tmp_path / "new" / ".github" / "workflows").glob("*.yml")) + sorted((REPO / ".github" / "workflows").glob("*.yml"))
    assert len(files) == 8
    assert rejected(WORKFLOW_SCHEMA, files) is None
    assert rejected(ISSUE_FORM_SCHEMA, [tmp_path / "new" / ISSUE_FORM]) is None
