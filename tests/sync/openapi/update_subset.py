"""Regenerate github-rest-subset.json: the operations the project calls, from @octokit/openapi.

    .venv/bin/python tests/sync/openapi/update_subset.py [PACKAGE_DIR]

Without PACKAGE_DIR it runs `npm pack @octokit/openapi@<VERSION>` in a temporary folder
(npm is needed here only, never at test time). The subset keeps, for api.github.com and the
oldest GHES release in the package, each used operation (parameters, request body, responses)
and every component schema they reach through `$ref`, so the conformance test validates
against GitHub's own description with no network and no npm.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"  # pinned; change it here and run this script to move
HERE = Path(__file__).resolve().parent
OUT = HERE / "github-rest-subset.json"
DESCRIPTIONS = {"api.github.com": "api.github.com.json", "ghes": "ghes-3.17.json"}

# Every (method, path) that the sync, review and digest send: kept in sync with the code by
# the conformance test, which fails on a request to an operation missing here.
OPERATIONS = [
    ("get", "/repos/{owner}/{repo}"),
    ("get", "/repos/{owner}/{repo}/issues"),
    ("post", "/repos/{owner}/{repo}/issues"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("patch", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("get", "/repos/{owner}/{repo}/labels"),
    ("post", "/repos/{owner}/{repo}/labels"),
    ("get", "/repos/{owner}/{repo}/assignees/{assignee}"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("put", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/git/ref/{ref}"),
    ("post", "/repos/{owner}/{repo}/git/refs"),
]


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            found.add(node["$ref"])
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def lookup(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def strip(node: Any, in_properties: bool = False) -> Any:
    """Without documentation text and examples: what validation reads, nothing more."""
    if isinstance(node, dict):
        kept = {}
        for key, value in node.items():
            if not in_properties and (
                key in ("example", "examples")
                or (key in ("description", "summary") and isinstance(value, str))
            ):
                continue
            kept[key] = strip(value, in_properties=key == "properties" and not in_properties)
        return kept
    if isinstance(node, list):
        return [strip(value) for value in node]
    return node


def subset(spec: dict[str, Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path in OPERATIONS:
        operation = dict(spec["paths"][path][method])
        for drop in ("x-github", "externalDocs", "description", "summary", "tags"):
            operation.pop(drop, None)
        paths.setdefault(path, {})[method] = strip(operation)
    components: dict[str, dict[str, Any]] = {}
    todo = sorted(refs(paths))
    seen: set[str] = set()
    for _ in range(100_000):  # bounded walk of the $ref closure
        if not todo:
            break
        ref = todo.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _hash, _components, kind, name = ref.split("/", 3)
        target = lookup(spec, ref)
        components.setdefault(kind, {})[name] = strip(target)
        todo.extend(sorted(refs(target) - seen))
    return {
        "openapi": spec["openapi"],
        "info": {"title": spec["info"]["title"], "version": spec["info"]["version"]},
        "paths": paths,
        "components": {kind: dict(sorted(items.items())) for kind, items in components.items()},
    }


def package_dir(argument: str | None, work: Path) -> Path:
    if argument:
        return Path(argument)
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=work, check=True)
    [tarball] = work.glob("*.tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(work, filter="data")
    return work / "package"


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = package_dir(sys.argv[1] if len(sys.argv) > 1 else None, Path(temporary))
        meta = json.loads((root / "package.json").read_text("utf-8"))
        result = {"package": f"{PACKAGE}@{meta['version']}", "descriptions": {}}
        for name, file in DESCRIPTIONS.items():
            spec = json.loads((root / "generated" / file).read_text("utf-8"))
            result["descriptions"][name] = {"file": file, **subset(spec)}
    OUT.write_text(json.dumps(result, separators=(",", ":"), sort_keys=True) + "\n", "utf-8")
    print(f"{OUT.name}: {OUT.stat().st_size // 1024} KB from {result['package']}")


if __name__ == "__main__":
    main()
