import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from postmortem.importers.command import timeline

from importer_samples import DATA

SAMPLES = [
    "alertmanager-amtool.json",
    "alertmanager-webhook-resolved.json",
    "pagerduty-log-entries.json",
    "prometheus-error-ratio.json",
    "catalog-api-kubectl.log",
    "edge-proxy-access.log",
    "price-sync.jsonl",
    "recommender.log",
]


def run(*args):
    return CliRunner().invoke(timeline, [str(a) for a in args])


def table_lines(output):
    return [line for line in output.splitlines() if line.startswith("| 2025-")]


def test_prints_the_merged_table_and_a_summary_on_stderr():
    result = run(*(DATA / name for name in SAMPLES), "--above", "0.05")
    assert result.exit_code == 0, result.output
    lines = table_lines(result.stdout)
    assert result.stdout.startswith("| Time (UTC)")
    assert len(lines) == 27
    times = [line[2:18] for line in lines]
    assert times == sorted(times)
    # the CatalogAPIHighErrorRate firing is in both Alertmanager files: printed once
    assert sum("Alert CatalogAPIHighErrorRate fired" in line for line in lines) == 1
    assert "1 duplicate(s) removed" in result.stderr
    assert "became 27 row(s)" in result.stderr
    assert "edge-proxy-access.log: logs, 403 source event(s) -> 2 event(s)" in result.stderr


def test_format_can_be_forced():
    result = run(
        DATA / "price-sync.jsonl", "--format", "logs", "--level", "all", "--source", "price-sync"
    )
    assert result.exit_code == 0
    assert "| price-sync |" in result.stdout
    assert any("price batch synced" in line for line in table_lines(result.stdout))


def test_since_until_and_seconds():
    result = run(
        DATA / "pagerduty-log-entries.json",
        "--since",
        "2025-03-14T11:10:00+01:00",
        "--until",
        "2025-03-14 10:13",
        "--seconds",
    )
    assert result.exit_code == 0
    assert [line[2:21] for line in table_lines(result.stdout)] == [
        "2025-03-14 10:11:02",
        "2025-03-14 10:11:04",
        "2025-03-14 10:12:41",
    ]


def test_into_merges_into_the_post_mortem(tmp_path):
    target = tmp_path / "draft.md"
    shutil.copy(DATA / "postmortem-catalog-draft.md", target)
    target.chmod(0o644)
    result = run(DATA / "pagerduty-log-entries.json", "--into", target)
    assert target.stat().st_mode & 0o777 == 0o644
    assert not list(tmp_path.glob(".draft.md.*"))
    assert result.exit_code == 0, result.output
    assert f"{target}: added 8 rows (1 duplicates skipped)" in result.stdout
    assert "Incident #4521 resolved" in target.read_text()
    again = run(DATA / "pagerduty-log-entries.json", "--into", target)
    assert "added 0 rows (9 duplicates skipped)" in again.stdout


def test_bad_json_fails_with_path_and_line(tmp_path):
    bad = tmp_path / "alerts.json"
    bad.write_text(
        '[\n  {"labels": {"alertname": "A"},\n   "startsAt": "2025-03-14T10:00:00Z",,}\n]\n'
    )
    result = run(bad)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:3: invalid JSON")
    assert "Traceback" not in result.output


def test_semantic_error_fails_with_path_and_line(tmp_path):
    bad = tmp_path / "pd.json"
    bad.write_text('{"log_entries": [\n{"type": "trigger_log_entry", "created_at": "later"}\n]}')
    result = run(bad)
    assert result.exit_code == 1
    assert f"{bad}:2: created_at 'later'" in result.stderr


def test_prometheus_without_threshold_is_explained():
    result = run(DATA / "prometheus-error-ratio.json")
    assert result.exit_code == 1
    assert "needs a threshold: --above X" in result.stderr
    both = run(DATA / "prometheus-error-ratio.json", "--above", "1", "--below", "0")
    assert both.exit_code == 2


def test_binary_and_non_utf8_input(tmp_path):
    binary = tmp_path / "dump.bin"
    binary.write_bytes(b"2025-03-14T10:00:00Z ok\n\x00\x01\x02")
    result = run(binary)
    assert result.exit_code == 1 and f"{binary}:2: binary data" in result.stderr
    latin = tmp_path / "latin1.log"
    latin.write_bytes(
        "2025-03-14T10:00:00Z ERROR ok\n2025-03-14T10:00:01Z ERROR caf\xe9\n".encode("latin-1")
    )
    result = run(latin)
    assert result.exit_code == 1 and f"{latin}:2: not UTF-8" in result.stderr


def test_missing_timeline_section(tmp_path):
    target = tmp_path / "pm.md"
    target.write_text("# Title\n\n## Summary\n\nText.\n")
    result = run(DATA / "pagerduty-log-entries.json", "--into", target)
    assert result.exit_code == 1
    assert f'{target}: the post-mortem has no "## Timeline" section' in result.stderr
    assert target.read_text() == "# Title\n\n## Summary\n\nText.\n"


def test_limit_refuses_an_unbounded_table(tmp_path):
    log = tmp_path / "noisy.log"
    log.write_text("".join(f"2025-03-14T10:{m:02d}:00Z ERROR event {m}\n" for m in range(60)))
    result = run(log, "--limit", "10")
    assert result.exit_code == 1
    assert "60 rows exceed --limit 10" in result.stderr
    assert run(log, "--limit", "60").exit_code == 0


def test_bad_since_is_a_usage_error():
    result = run(DATA / "recommender.log", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "not an ISO 8601 time" in result.output


def test_real_postmortem_executable(tmp_path):
    executable = Path(sys.executable).parent / "postmortem"
    assert executable.is_file(), "the package is not installed in this environment"
    target = tmp_path / "draft.md"
    shutil.copy(DATA / "postmortem-empty-timeline.md", target)
    completed = subprocess.run(
        [
            str(executable),
            "timeline",
            str(DATA / "alertmanager-webhook-resolved.json"),
            "--into",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "added 2 rows (0 duplicates skipped)" in completed.stdout
    assert "1 source event(s) in 1 file(s) became 2 row(s)" in completed.stderr
    assert "| 2025-03-14 10:39 | Alert CatalogAPIHighErrorRate resolved" in target.read_text()
    broken = tmp_path / "broken.json"
    broken.write_text('{"log_entries": [\n}')
    failed = subprocess.run(
        [str(executable), "timeline", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"{broken}:2: invalid JSON")
    assert "Traceback" not in failed.stderr


def test_metric_option_names_expression_series():
    result = run(
        DATA / "prometheus-redis-memory.json", "--above", "0.9", "--metric", "redis_memory_ratio"
    )
    assert result.exit_code == 0
    assert (
        '`redis_memory_ratio{instance="redis-catalog-0:9121",job="redis-exporter"}` rises above 0.9'
        in result.stdout
    )
