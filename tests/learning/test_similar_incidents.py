"""Similar incidents through the real CLI: LE101 in `validate`, `postmortem similar`."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tests" / "data" / "similarity"
CLI = shutil.which("postmortem", path=str(ROOT / ".venv" / "bin")) or "postmortem"
POOL_A = "2025-03-04-orders-pool-exhaustion"  # "connection pool exhausted", index missing
POOL_B = "2025-09-22-orders-db-connections-ran-out"  # "ran out of Postgres connections", N+1
CERT_A = "2025-05-08-payments-certificate-expired"
CERT_B = "2026-01-19-payments-gateway-handshake-failures"  # "server cert lapsed"
DISK = "2025-07-30-search-disk-full"  # unrelated
TODAY = ["--today", "2026-12-01"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def make_archive(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    for name in names:
        shutil.copy(EXAMPLES / f"{name}.md", folder / f"{name}.md")
    return folder


def suggestions(report: dict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in report["findings"]:
        if finding["rule"] == "LE101":
            other = finding["message"].split("`")[1]
            found.setdefault(Path(finding["path"]).stem, []).append(other)
    return found


def validate_json(cwd: Path, *extra: str) -> dict:
    result = run("validate", "--format", "json", *TODAY, *extra, "postmortems", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(("first", "second"), [(POOL_A, POOL_B), (CERT_A, CERT_B)])
def test_goal_same_failure_in_different_words_suggest_each_other(tmp_path, first, second):
    make_archive(tmp_path, first, second, DISK)
    report = validate_json(tmp_path)
    found = suggestions(report)
    assert found.get(first) == [second]
    assert found.get(second) == [first]
    assert DISK not in found  # the unrelated one suggests nothing and is suggested by nobody
    notes = [f for f in report["findings"] if f["rule"] == "LE101"]
    assert all(f["severity"] == "info" and f["category"] == "learning" for f in notes)
    note = next(f for f in notes if Path(f["path"]).stem == first)
    assert "same service" in note["message"] and "matching words in root cause" in note["message"]
    assert note["suggestion"] == f"If the two are related, list it: `related: [{second}]`"
    assert note["line"] == 16  # the `related:` line of the example's frontmatter


@pytest.mark.parametrize(("first", "second"), [(POOL_A, POOL_B), (CERT_A, CERT_B)])
def test_goal_on_a_pull_request_and_with_the_similar_command(tmp_path, first, second):
    """The goal through the other two ways in: `validate --changed-since` with each of the two
    edited in turn (cold cache, then warm), and `postmortem similar` on each."""
    make_archive(tmp_path, first, second, DISK)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "a"], cwd=tmp_path, check=True)
    for mine, theirs in ((first, second), (second, first), (DISK, None)):
        changed = tmp_path / "postmortems" / f"{mine}.md"
        original = changed.read_text("utf-8")
        changed.write_text(original + "\nEdited.\n", "utf-8")
        for _ in range(2):  # without the cache, then with it
            report = validate_json(tmp_path, "--changed-since", "main")
            assert report["files_checked"] == 1
            assert suggestions(report) == ({mine: [theirs]} if theirs else {})
        changed.write_text(original, "utf-8")
        shown = run("similar", str(changed), "--format", "json", "--archive", "postmortems",
                    cwd=tmp_path)  # fmt: skip
        rows = [r for r in json.loads(shown.stdout)["similar"] if r["suggested"]]
        assert [r["id"] for r in rows] == ([theirs] if theirs else [])


def test_info_findings_do_not_fail_the_check(tmp_path):
    make_archive(tmp_path, POOL_A, POOL_B)
    result = run("validate", *TODAY, "--select", "LE", "postmortems", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "LE101 [info]" in result.stdout
    assert "2 files checked: 2 infos" in result.stdout


def _set_front(path: Path, key: str, value: str) -> None:
    text = path.read_text("utf-8")
    lines = [line for line in text.split("\n") if not line.startswith(f"{key}:")]
    lines.insert(1, f"{key}: {value}")
    path.write_text("\n".join(lines), "utf-8")


@pytest.mark.parametrize(
    ("key", "value"), [("status", "draft"), ("status", "in-review"), ("restricted", "true")]
)
def test_only_published_unrestricted_post_mortems_are_suggested(tmp_path, key, value):
    folder = make_archive(tmp_path, POOL_A, POOL_B)
    _set_front(folder / f"{POOL_B}.md", key, value)
    found = suggestions(validate_json(tmp_path))
    assert POOL_B not in found.get(POOL_A, [])
    # The draft itself is still told about the published one: that is when it helps most.
    if key == "status":
        assert found.get(POOL_B) == [POOL_A]


def test_a_post_mortem_already_listed_in_related_is_not_suggested(tmp_path):
    folder = make_archive(tmp_path, POOL_A, POOL_B)
    _set_front(folder / f"{POOL_A}.md", "related", f"[{POOL_B}]")
    found = suggestions(validate_json(tmp_path))
    assert found == {}  # listed one way round is enough for both


def test_changed_since_reads_the_rest_of_the_archive_from_the_cache(tmp_path):
    make_archive(tmp_path, POOL_A, POOL_B, CERT_A, CERT_B, DISK)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "a"], cwd=tmp_path, check=True)
    full = suggestions(validate_json(tmp_path))
    changed = tmp_path / "postmortems" / f"{POOL_B}.md"
    changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
    one = validate_json(tmp_path, "--changed-since", "main")
    assert one["files_checked"] == 1
    assert suggestions(one) == {POOL_B: full[POOL_B]}  # the same answer as a full run
    store = tmp_path / ".git" / "postmortem" / "similarity.sqlite"
    assert not (tmp_path / ".postmortem-cache").exists()  # nothing in the working tree
    with sqlite3.connect(store) as db:  # the four files not checked: profiles kept by content
        assert db.execute("SELECT count(*) FROM profiles").fetchone()[0] == 4


def test_similar_command_lists_the_nearest_with_score_and_reason(tmp_path):
    make_archive(tmp_path, POOL_A, CERT_A, CERT_B, DISK)
    target = tmp_path / f"{POOL_B}.md"
    shutil.copy(EXAMPLES / f"{POOL_B}.md", target)
    result = run("similar", str(target), "--archive", "postmortems", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    first = next(line for line in lines if line[:1].isdigit())
    assert POOL_A in first and "[suggested]" in first
    assert float(first.split()[0]) >= 0.35
    assert any("same service: orders-api" in line for line in lines)
    assert f"related: [{POOL_A}]" in result.stdout
    data = json.loads(
        run(
            "similar", str(target), "--archive", "postmortems", "--format", "json", cwd=tmp_path
        ).stdout  # fmt: skip
    )
    rows = data["similar"]
    assert rows[0]["id"] == POOL_A and rows[0]["suggested"] is True
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert all(not r["suggested"] for r in rows[1:])  # the others are listed, not suggested
    assert "connection" in rows[0]["words"]["root cause"]


def test_similar_command_bad_input_is_a_clear_error(tmp_path):
    make_archive(tmp_path, POOL_A)
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = run("similar", str(binary), "--archive", "postmortems", cwd=tmp_path)
    assert result.returncode == 2
    assert "x.md" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / ".postmortem.yml").write_text("rules:\n  LE101: {min_score: high}\n", "utf-8")
    result = run("similar", str(tmp_path / "postmortems" / f"{POOL_A}.md"), cwd=tmp_path)
    assert result.returncode == 2 and "min_score" in result.stderr


def test_version_and_one_file_do_not_import_the_text_engine(tmp_path):
    make_archive(tmp_path, POOL_A)
    code = (
        "import sys\n"
        "from postmortem.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('bm25s' in sys.modules, 'scipy' in sys.modules)\n"
    )
    python = str(ROOT / ".venv" / "bin" / "python")
    for args in (["--version"], ["validate", *TODAY, f"postmortems/{POOL_A}.md"]):
        result = subprocess.run(
            [python, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert result.stdout.strip().endswith("False False"), (args, result.stdout)


def test_cache_reads_each_unchanged_file_once(tmp_path, monkeypatch):
    """Counted, not timed: a second pass over the archive builds a profile only for the file
    that changed; a cache written with other word lists is not used."""
    from postmortem.learning import archive

    folder = make_archive(tmp_path, POOL_A, POOL_B, CERT_A, CERT_B, DISK)
    built: list[str] = []
    real = archive.profile_from_text

    def counting(text: str, path: str):
        built.append(path)
        return real(text, path)

    monkeypatch.setattr(archive, "profile_from_text", counting)
    paths = sorted(folder.glob("*.md"))
    first = archive.archive_profiles(paths, root=tmp_path)
    assert len(built) == 5
    changed = folder / f"{DISK}.md"
    changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
    built.clear()
    second = archive.archive_profiles(paths, root=tmp_path)
    assert built == [changed.as_posix()]
    assert [p.terms for p in first[:4]] == [p.terms for p in second[:4]]
    monkeypatch.setattr(archive, "_version", lambda: "other word lists")
    built.clear()
    archive.archive_profiles(paths, root=tmp_path)
    assert len(built) == 5


def test_a_crash_in_the_similarity_rule_is_reported_and_hides_nothing(tmp_path, monkeypatch):
    from datetime import date

    from postmortem.config import Config
    from postmortem.learning import similarity
    from postmortem.validation import validate

    folder = make_archive(tmp_path, POOL_A, POOL_B)
    text = (folder / f"{POOL_A}.md").read_text("utf-8")
    (folder / f"{POOL_A}.md").write_text(text.replace("severity: P2", "severity: P9"), "utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("engine failed")

    monkeypatch.setattr(similarity.PlainIndex, "__init__", broken)
    monkeypatch.setattr(similarity.SimilarityIndex, "__init__", broken)
    report = validate([folder], Config(root=tmp_path), date(2026, 12, 1), workers=1)
    internal = [f for f in report.findings if f.rule == "INTERNAL"]
    assert len(internal) == 1 and "LE101" in internal[0].message
    assert "engine failed" in internal[0].message
    assert any(f.rule.startswith("SC") for f in report.findings)  # the other rules still ran
    assert report.exit_code == 2


@pytest.mark.parametrize(
    "content",
    [b"garbage, not a database\n" * 40, "foreign"],
)
def test_a_damaged_or_foreign_cache_is_replaced_and_changes_nothing(tmp_path, content):
    make_archive(tmp_path, CERT_A, CERT_B, DISK)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "a"], cwd=tmp_path, check=True)
    changed = tmp_path / "postmortems" / f"{CERT_B}.md"
    changed.write_text(changed.read_text("utf-8") + "\nEdited.\n", "utf-8")
    store = tmp_path / ".git" / "postmortem" / "similarity.sqlite"
    store.parent.mkdir(parents=True)
    if content == "foreign":  # a database of the same name with other tables
        with sqlite3.connect(store) as db:
            db.execute("CREATE TABLE profiles (x INTEGER)")
            db.execute("CREATE TABLE words (y TEXT)")
    else:
        store.write_bytes(content)
    for _ in range(2):
        report = validate_json(tmp_path, "--changed-since", "main")
        assert suggestions(report) == {CERT_B: [CERT_A]}
        assert not any(f["rule"] == "INTERNAL" for f in report["findings"])
    with sqlite3.connect(store) as db:  # rewritten as a cache of ours
        assert db.execute("SELECT count(*) FROM profiles").fetchone()[0] >= 1
