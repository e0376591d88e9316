"""Startup of the command line: `--version` and `--help` import only click.

Not a timing test: what makes them slow is importing the libraries that only checking,
syncing or publishing needs, so the test looks at which modules a real process imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from postmortem import cli

HEAVY = ("click", "yaml", "markdown_it", "jsonschema", "proselint", "github", "mkdocs", "re2")

PROBE = """
import json, sys
from postmortem.launcher import run
args, watched = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["postmortem", *args]
code = 0
try:
    run()
except SystemExit as done:
    code = done.code
heavy = sorted({m.split(".")[0] for m in sys.modules} & watched)
sys.stderr.write("\\nIMPORTED " + json.dumps(heavy) + " EXIT " + str(code) + "\\n")
"""


def imported_by(*args: str) -> tuple[list[str], str, int]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    tail = done.stderr.rsplit("IMPORTED ", 1)[1]
    heavy, code = tail.split(" EXIT ")
    return json.loads(heavy), done.stdout, int(code.strip() if code.strip() != "None" else 0)


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("validate", "--help")])
def test_startup_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    heavy, output, code = imported_by(*args)
    assert code == 0
    assert output.strip()
    assert heavy == ([] if args == ("--version",) else ["click"])


def test_version_is_what_click_prints() -> None:
    """The launcher answers `--version` without click, in click's words."""
    _, output, _ = imported_by("--version")
    assert output == CliRunner().invoke(cli.main, ["--version"]).output


def test_help_lists_every_command() -> None:
    _, output, _ = imported_by("--help")
    for name in cli.LAZY_COMMANDS:
        assert f"  {name} " in output


def test_validate_still_imports_what_it_needs(tmp_path) -> None:
    (tmp_path / "x.md").write_text("no frontmatter\n", "utf-8")
    heavy, output, code = imported_by("validate", str(tmp_path / "x.md"))
    assert code == 1, output
    assert "yaml" in heavy  # the probe sees imports: validation really ran
    assert "click" not in heavy  # the pre-commit hook's form runs without click (hook.py)


@pytest.mark.parametrize("name", sorted(cli.LAZY_COMMANDS))
def test_static_short_help_matches_the_command(name: str) -> None:
    """The one-line help shown without importing a command is the command's own."""
    command = cli.main.get_command(click.Context(cli.main), name)
    assert command is not None
    for width in (30, 60, 80, 200):
        expected = command.get_short_help_str(width)
        placeholder = click.Command(name, help=cli.LAZY_HELP[name])
        assert placeholder.get_short_help_str(width) == expected


def test_language_and_learning_data_read_the_same_with_libyaml() -> None:
    """The data files are read with libyaml (ten times faster at start-up): same values."""
    from importlib import resources

    import yaml

    data = resources.files("postmortem").joinpath("data")
    files = [p for p in data.rglob("*") if p.name.endswith((".yml", ".yaml"))]
    assert len(files) >= 3
    for path in files:
        text = path.read_text("utf-8")
        assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text), path


@pytest.mark.parametrize("columns", [None, "", "abc", "0", "-3", "40", "60", "79", "80", "200"])
def test_help_width_is_clicks_own(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--help` gives click a width found without shutil: the width click would find."""
    import shutil

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli._help_width() == max(min(shutil.get_terminal_size().columns, 80) - 2, 50)


def test_reading_the_settings_does_not_import_the_review() -> None:
    """`validate` checks the `sync:` settings against their schema; the review (and the sync
    plan under it) is not needed for that."""
    probe = "import sys, postmortem.config; print(sorted(m for m in sys.modules if 'sync' in m))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "postmortem.sync.settings" in done.stdout  # the probe saw the settings imported
    assert "postmortem.sync.review" not in done.stdout
    assert "postmortem.sync.plan" not in done.stdout


def test_valid_settings_are_checked_without_jsonschema(tmp_path) -> None:
    """The pre-commit hook runs where `.postmortem.yml` has a `sync:` section: its compiled
    check accepts it, and jsonschema (a sixth of the hook's time) is not imported."""
    from pathlib import Path

    config = Path(__file__).resolve().parents[1] / ".postmortem.yml"
    assert "sync:" in config.read_text("utf-8")
    (tmp_path / "x.md").write_text("no frontmatter\n", "utf-8")
    heavy, output, code = imported_by("validate", "--config", str(config), str(tmp_path / "x.md"))
    assert code == 1, output
    assert "yaml" in heavy and "jsonschema" not in heavy


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    """The console script's entry point (`postmortem.launcher:main`) in a real process."""
    code = "from postmortem.launcher import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def test_validate_leaves_at_once_with_its_report_and_status(tmp_path) -> None:
    """`main` ends a `validate` with os._exit: the whole report is still written (a long
    one, to a pipe and to --output) and the exit status is click's."""
    for n in range(30):
        (tmp_path / f"bad{n}.md").write_text("no frontmatter\n", "utf-8")
    expected = CliRunner().invoke(cli.main, ["validate", "--format", "json", str(tmp_path)])
    done = _console("validate", "--format", "json", str(tmp_path))
    assert done.returncode == expected.exit_code == 1
    assert done.stdout == expected.stdout and len(done.stdout) > 10_000
    report = tmp_path / "report.json"
    written = _console("validate", "--format", "json", "-o", str(report), str(tmp_path))
    assert written.returncode == 1
    assert report.read_text("utf-8") == expected.stdout


def test_validate_usage_errors_still_exit_2_with_their_message(tmp_path) -> None:
    done = _console("validate", "--no-such-option")
    assert done.returncode == 2
    assert "No such option" in done.stderr
    (tmp_path / "bad.md").write_text("no frontmatter\n", "utf-8")
    quiet = _console("validate", "--select", "IN010", "--quiet", str(tmp_path / "bad.md"))
    assert quiet.returncode == 1 and "IN010" in quiet.stdout


@pytest.mark.parametrize(
    ("code", "status", "printed"), [(None, 0, ""), (3, 3, ""), ("bye", 1, "bye\n")]
)
def test_exit_status_is_the_interpreters(code, status, printed, capsys) -> None:
    from postmortem.launcher import _exit_status

    assert _exit_status(code) == status
    assert capsys.readouterr().err == printed


@pytest.mark.parametrize("count", [1, 2])
def test_the_cycle_collector_is_back_on_for_more_than_one_file(tmp_path, count) -> None:
    """`main` turns the collector off for `validate`; checking several files turns it on."""
    import gc
    from datetime import date

    from postmortem.config import load_config
    from postmortem.validation import _run_files

    paths = []
    for n in range(count):
        paths.append(tmp_path / f"x{n}.md")
        paths[-1].write_text("no frontmatter\n", "utf-8")
    was = gc.isenabled()
    gc.disable()
    try:
        results = _run_files(paths, load_config(start=tmp_path), date(2026, 1, 1), 1)
        assert len(results) == count
        assert gc.isenabled() == (count > 1)
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_through_the_console_entry_point(flag: str) -> None:
    """`main` ends `--help` with os._exit once the text is flushed: the same text and status
    as click's own way out."""
    ours, theirs = (
        subprocess.run(
            [sys.executable, "-c", f"import sys; sys.argv = ['postmortem', {flag!r}]; {code}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        for code in (
            "from postmortem.launcher import main; main()",
            "from postmortem.cli import run; run()",
        )
    )
    assert ours.stdout.startswith("Usage: postmortem")
    assert (ours.returncode, ours.stdout, ours.stderr) == (0, theirs.stdout, theirs.stderr)
    assert theirs.returncode == 0


SIGNATURES = """
import inspect, json, sys
from postmortem.launcher import run
asked = []
signature = inspect.signature
def counting(obj, *args, **kwargs):
    asked.append(f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}")
    return signature(obj, *args, **kwargs)
inspect.signature = counting
sys.argv = ["postmortem", "validate", sys.argv[1]]
try:
    run()
except SystemExit:
    pass
ours = sorted(a for a in asked if a.startswith("postmortem."))
sys.stderr.write("\\nASKED " + json.dumps(ours) + "\\n")
"""


def test_validate_builds_no_dataclass_docstring_from_its_signature(tmp_path) -> None:
    """`dataclass` gives a class without a docstring one made with `inspect.signature` (a
    millisecond in all at every start of the hook); the project's dataclasses have their own."""
    report = tmp_path / "2024-01-01-outage.md"
    report.write_text("---\ntitle: Outage\n---\n\n# Outage\n\nThe cache was full.\n")
    done = subprocess.run(
        [sys.executable, "-c", SIGNATURES, str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "ASKED " in done.stderr, done.stderr
    assert json.loads(done.stderr.rsplit("ASKED ", 1)[1]) == []
