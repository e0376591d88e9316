"""Every request the sync, review and digest send, and every answer of the emulator, checked
against GitHub's OpenAPI description (api.github.com, and GHES for the requests).

The description is `tests/sync/openapi/github-rest-subset.json`: the operations the project
uses, cut from the pinned npm package `@octokit/openapi` by `update_subset.py` (npm is not
needed to run this test). A scripted session drives the real commands through their common
paths and their refusals (403, 404, 410, 301, 422, rate limits); the emulator logs each
request with its headers, query and body, and its answer. A request to an operation missing
from the subset fails the test, so the subset cannot fall behind the code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from postmortem.cli import main
from postmortem.sync.github import ACCEPT, API_VERSION, GitHubIssues, WriteFailed

from github_emulator import Emulator
from sync_helpers import REPO, TOKEN, write_postmortem

SUBSET = Path(__file__).parent / "openapi" / "github-rest-subset.json"
URN = "urn:github-rest"
# Answers that are not GitHub's: transport faults the tests inject (a reset, a proxy's 502).
NOT_GITHUB = {"502_after_commit", "reset_after_commit", "reset_before_commit",
              "hook_before_commit", "hook_after_commit"}  # fmt: skip
# Where GitHub's 301 for a transferred issue points; not an operation of the description, so
# its answer is checked as "get an issue".
REDIRECT_TARGET = re.compile(r"^/repositories/\d+/issues/\d+$")


def openapi_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 schema objects as JSON Schema draft 7: `nullable`, and absolute `$ref`s."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith("#/"):
            out[key] = URN + value
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: openapi_to_jsonschema(v) for name, v in value.items()}
        else:
            out[key] = openapi_to_jsonschema(value)
    if out.pop("nullable", False) is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Description:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.raw = doc
        self.doc = openapi_to_jsonschema(doc)
        resource = Resource.from_contents(self.doc, default_specification=DRAFT7)
        self.registry = Registry().with_resource(URN, resource)
        self.routes = []
        for template, methods in doc["paths"].items():
            pattern = re.escape(template)
            pattern = re.sub(r"\\\{(path|ref)\\\}", ".+", pattern)
            pattern = re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", pattern)
            for method in methods:
                self.routes.append((method.upper(), re.compile(f"^{pattern}$"), template))
        self.routes.sort(key=lambda r: -len(r[2]))

    def find(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for verb, pattern, template in self.routes:
            if verb == method and pattern.match(path):
                return template, self.doc["paths"][template][method.lower()]
        return None

    def deref(self, node: Any) -> Any:
        for _ in range(10):
            if not (isinstance(node, dict) and "$ref" in node):
                return node
            pointer = node["$ref"].removeprefix(URN + "#/")
            node = self.doc
            for part in pointer.split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, schema: Any, instance: Any) -> list[str]:
        validator = Draft7Validator(schema, registry=self.registry)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
            for e in validator.iter_errors(instance)
        ][:5]

    def check_request(self, record: dict[str, Any]) -> list[str]:
        found = self.find(record["method"], record["path"])
        if found is None:
            return [f"{record['method']} {record['path']}: no such operation in the description"]
        template, operation = found
        problems = []
        params = {}
        for parameter in operation.get("parameters", []):
            parameter = self.deref(parameter)
            if parameter.get("in") == "query":
                params[parameter["name"]] = parameter.get("schema", {})
        for name, value in record["query"].items():
            if name not in params:
                problems.append(f"query parameter {name!r} is not one of {sorted(params)}")
                continue
            schema = params[name]
            typed: Any = value
            if "integer" in json.dumps(schema) and str(value).isdigit():
                typed = int(value)
            problems += [f"query {name}: {e}" for e in self.errors(schema, typed)]
        body_spec = self.deref(operation.get("requestBody") or {})
        if record["body"] is not None:
            schema = body_spec.get("content", {}).get("application/json", {}).get("schema")
            if schema is None:
                problems.append("a body was sent to an operation that takes none")
            else:
                problems += [f"body {e}" for e in self.errors(schema, record["body"])]
        elif body_spec.get("required"):
            problems.append("the operation requires a body")
        return [f"{record['method']} {template}: {p}" for p in problems]

    def check_response(self, record: dict[str, Any]) -> list[str]:
        method, path = record["method"], record["path"]
        if REDIRECT_TARGET.match(path):
            found = self.find("GET", f"/repos/o/r/issues/{path.rsplit('/', 1)[1]}")
        else:
            found = self.find(method, path)
        if found is None:
            return []  # reported by check_request
        template, operation = found
        status = str(record["status"])
        responses = operation.get("responses", {})
        if status not in responses:
            return [f"{method} {template}: answered {status}, not among {sorted(responses)}"]
        response = self.deref(responses[status])
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            if record["response"] not in (None, ""):
                return [f"{method} {template} {status}: a body where GitHub sends none"]
            return []
        return [
            f"{method} {template} {status}: {e}" for e in self.errors(schema, record["response"])
        ]


@pytest.fixture(scope="module")
def descriptions() -> dict[str, Description]:
    data = json.loads(SUBSET.read_text("utf-8"))
    assert data["package"] == "@octokit/openapi@23.0.2"
    return {name: Description(doc) for name, doc in data["descriptions"].items()}


DOC = "2025-03-01-api-outage"


def session(em: Emulator, workdir: Path) -> None:
    """The commands' common paths and refusals, as a team would meet them."""
    env = {"GITHUB_TOKEN": TOKEN, "GH_TOKEN": "", "GITHUB_STEP_SUMMARY": ""}
    sync = ["sync", "--repo", REPO, "--api-url", em.url, "--pace", "0", "--settle", "0"]
    runner = CliRunner()
    folder = workdir / "postmortems"
    rows = [
        ("A1", "Alert on pool saturation", "@alice", "2025-04-01", "P1", "open"),
        ("A2", "Fail the render without the pool key", "@mallory", "2025-04-15", "P2", "open"),
        ("A3", "Load test staging", "@bob", "2025-05-01", "P3", ""),
    ]
    write_postmortem(folder, DOC, rows)
    assert runner.invoke(main, sync, env=env).exit_code == 0
    em.person_edit(REPO, 1, state="closed")  # drift: one comment
    em.person_edit(REPO, 3, labels=[])  # read by number from the mapping
    em.transfer(REPO, 2, "acme/platform")  # a 301
    rows[2] = ("A3", "Load test staging", "@bob", "2025-05-01", "P3", "done")
    rows.append(("A4", "Document the pool rule", "@carol", "2025-06-01", "P4", "open"))
    write_postmortem(folder, DOC, rows)
    em.inject("secondary_limit", method="POST", path=r"/issues$", retry_after=0)
    second = runner.invoke(main, sync, env=env)
    assert second.exit_code == 0, second.output
    em.delete_issue(REPO, 4)  # a 410 for a deleted issue
    runner.invoke(main, sync, env=env)
    review = ["review", "--repo", REPO, "--api-url", em.url, "--today", "2025-06-30"]
    result = runner.invoke(
        main,
        [*review, "--escalate", "--escalation-contact", "@leads", "--grace-days", "1"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    digest = ["digest", "--repo", REPO, "--title", "Weekly review", "--api-url", em.url]
    assert runner.invoke(main, digest, input="week 1\n", env=env).exit_code == 0
    assert runner.invoke(main, digest, input="week 2\n", env=env).exit_code == 0
    api = GitHubIssues(REPO, TOKEN, api_url=em.url, pace=0)
    with pytest.raises(WriteFailed):  # the emulator's 422 for a long label, as GitHub's
        api.send_once("POST", f"/repos/{REPO}/labels", {"name": "x" * 51, "color": "ededed"}, "l")
    api.close()
    em.permissions = {"issues": "read", "contents": "read"}  # a read-only token: 403
    write_postmortem(folder, DOC, [*rows, ("A5", "One more", "@alice", "2025-07-01", "P4", "")])
    assert runner.invoke(main, sync, env=env).exit_code == 2
    assert runner.invoke(main, digest, input="week 3\n", env=env).exit_code == 2
    em.permissions = {"issues": "write", "contents": "write"}
    em.repo(REPO).has_issues = False  # 410
    assert runner.invoke(main, sync, env=env).exit_code == 2


def test_every_request_and_answer_conforms_to_githubs_openapi_description(
    descriptions: dict[str, Description], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Emulator(token=TOKEN) as em:
        em.add_repo(REPO, assignable={"alice", "bob", "carol"})
        session(em, tmp_path)
        log = list(em.log)
    operations = {(r["method"], r["path"].split("?")[0]) for r in log}
    statuses = {r["status"] for r in log}
    print(f"{len(log)} requests, {len(operations)} distinct, statuses {sorted(statuses)}")
    assert {200, 201, 204, 301, 403, 404, 410, 422} <= statuses  # the refusals were met
    problems: list[str] = []
    for record in log:
        if REDIRECT_TARGET.match(record["path"]):
            pass  # GitHub's own redirect target: no operation of its own
        else:
            for name, description in descriptions.items():
                problems += [f"[{name}] {p}" for p in description.check_request(record)]
        headers = record["headers"]
        if headers.get("accept") != ACCEPT or headers.get("x-github-api-version") != API_VERSION:
            problems.append(f"{record['method']} {record['path']}: headers {headers}")
        if record["fault"] not in NOT_GITHUB and record["status"] not in (None, -1):
            problems += [
                f"[answer] {p}" for p in descriptions["api.github.com"].check_response(record)
            ]
    assert problems == [], "\n".join(dict.fromkeys(problems))


def test_the_subset_holds_exactly_the_operations_the_script_keeps() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "update_subset", SUBSET.with_name("update_subset.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = json.loads(SUBSET.read_text("utf-8"))
    assert data["package"] == f"{module.PACKAGE}@{module.VERSION}"
    for description in data["descriptions"].values():
        kept = {(m, p) for p, methods in description["paths"].items() for m in methods}
        assert kept == set(module.OPERATIONS)
