"""The shape of the code: no import cycles, light settings, one run per checker and document."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from postmortem.config import Config
from postmortem.document import parse_document
from postmortem.rules import CHECKERS, REGISTRY
from postmortem.validation import check_document

PACKAGE = Path(__file__).resolve().parents[2] / "tools" / "postmortem"
SEED = PACKAGE.parents[1] / "postmortems" / "2025-02-09-api-service-degradation.md"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


def import_graph() -> dict[str, set[str]]:
    """Module -> package modules it imports, anywhere in its code (late imports included),
    except under `if TYPE_CHECKING:`; a package's own re-exports of its submodules are left out."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text("utf-8"))
        typing_only = {
            id(node)
            for branch in ast.walk(tree)
            if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
            for statement in branch.body
            for node in ast.walk(statement)
        }
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                base = base[: len(base) - node.level + 1] if node.level else []
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
                for alias in node.names:
                    sub = f"{module}.{alias.name}"
                    targets.add(sub if sub in modules else module)
        graph[name] = {
            t
            for t in targets
            if t in modules
            and t != name
            and not (path.name == "__init__.py" and t.startswith(name))
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert "postmortem.settings" in graph["postmortem.config"]  # the graph is read at all
    assert cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_loading_the_settings_for_sync_does_not_import_proselint(tmp_path: Path):
    (tmp_path / ".postmortem.yml").write_text(
        "sync:\n  pace: 0.5\nrules:\n  BL105: {severity: error}\nprose_checks: [default]\n"
    )
    code = (
        "import sys, json\n"
        "from postmortem.sync.command import _config\n"
        "config = _config()\n"
        "print(json.dumps([config.values['sync'], sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('proselint', 'github', 'mkdocs'))]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    sync, heavy = json.loads(result.stdout)
    assert sync == {"pace": 0.5}
    assert not [m for m in heavy if m.startswith("proselint")]


def test_every_rule_belongs_to_one_checker_that_declares_it():
    declared = [code for checker in CHECKERS.values() for code in checker.codes]
    assert sorted(declared) == sorted(REGISTRY) and len(declared) == len(set(declared))
    for code, rule in REGISTRY.items():
        assert code in CHECKERS[rule.checker].codes
        assert rule.doc and rule.summary and rule.severity in ("error", "warning", "info")


def test_each_checker_runs_once_per_document(monkeypatch):
    doc = parse_document(SEED.read_text("utf-8"), SEED.name)
    runs: dict[str, int] = {}
    for name, checker in CHECKERS.items():
        original = checker.check

        def counting(*args, _name=name, _check=original):
            runs[_name] = runs.get(_name, 0) + 1
            return _check(*args)

        monkeypatch.setitem(
            CHECKERS, name, type(checker)(name, counting, checker.rules, checker.archive)
        )
    check_document(doc, Config(), date(2025, 3, 1))
    per_document = {n for n, c in CHECKERS.items() if not c.archive}
    assert runs == dict.fromkeys(per_document, 1)
