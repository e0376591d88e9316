"""Security rules (SE1xx): secrets anywhere in the file, masked, placeholders left alone.

Secret-shaped test values are assembled at run time, so this file itself holds no string that
a secret scanner would (rightly) stop.
"""

from __future__ import annotations

from datetime import date

import pytest

from postmortem.config import Config
from postmortem.document import load_document, parse_document
from postmortem.rules.security import find_secrets, mask

from ruletools import ROOT, checker_problems, line_of, run_rules

CORPUS = ROOT.parent / "shared" / "corpus" / "real-postmortems"
TODAY = date(2025, 3, 1)

ALNUM = "q7Rk2Wm9Xz4Bv8Np3Ls6Ty1Hc5Jd0Fg"  # 32 mixed characters to build tokens from


def fill(n: int, alphabet: str = ALNUM) -> str:
    return (alphabet * (n // len(alphabet) + 1))[:n]


AWS_ID = "AK" + "IA" + fill(16, "Z3M7Q2W8R4T6Y1U5")
AWS_SECRET = fill(30) + "/" + fill(9, "abcXYZ123+")
GITHUB = "gh" + "p_" + fill(36)
GITHUB_PAT = "github" + "_pat_" + fill(22) + "_" + fill(59)
SLACK = "xo" + "xb-" + "123456789012-1234567890123-" + fill(24)
STRIPE = "sk" + "_live_" + fill(24)
JWT = "ey" + "JhbGciOiJIUzI1NiJ9." + "ey" + "JzdWIiOiI0MiJ9." + fill(43)
PEM_BODY = fill(64, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC") + "\n" + fill(64)
GOOGLE_API = "AI" + "za" + fill(35)
GCP_KEY_ID = fill(40, "0123456789abcdef")
AZURE_KEY = fill(86) + "=="
GITLAB = "gl" + "pat-" + fill(20)
SK_ANT = "sk-" + "ant-api03-" + fill(90)


def findings(text: str) -> list[tuple[int, int, str, str, str]]:
    """(line, column, code, message, suggestion) of every SE rule, straight from the registry."""
    doc = parse_document(text, "x.md")
    found = checker_problems(doc, "SE", Config(), TODAY)
    return sorted((p.line, p.column, code, p.message, p.suggestion) for code, p in found)


def at(text: str) -> list[tuple[int, str]]:
    return [(f[0], f[2]) for f in findings(text)]


def doc_with(block: str) -> str:
    return "---\nid: 2025-02-09-x\n---\n\n## Timeline\n\nLogs from the gateway:\n\n" + block + "\n"


def test_seed_example_is_clean(seed):
    assert run_rules(seed, "SE") == []


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (f"export AWS_ACCESS_KEY_ID={AWS_ID}", "SE102"),
        (f"aws_secret_access_key = {AWS_SECRET}", "SE102"),
        (f'{{"type": "service_account", "private_key_id": "{GCP_KEY_ID}"}}', "SE103"),
        (f"maps key={GOOGLE_API}", "SE103"),
        (f"DefaultEndpointsProtocol=https;AccountName=logs;AccountKey={AZURE_KEY};", "SE104"),
        (f"git clone https://x-access-token:{GITHUB}@github.com/o/r", "SE105"),
        (f"GH_TOKEN {GITHUB_PAT}", "SE105"),
        (f"slack client init token {SLACK}", "SE106"),
        (f"charge failed for key {STRIPE}", "SE107"),
        (f"cookie session {JWT}", "SE108"),
        ("curl -H 'Authorization: Basic dXNlcjpodW50ZXIyMDI1'", "SE109"),
        ("retrying with Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0", "SE109"),
        ("DATABASE_URL=postgres://orders:s3cr3tP4ss@db.internal:5432/orders", "SE110"),
        ("connecting with password=hunter2024", "SE111"),
        ("the admin passwd: Winter2024!", "SE111"),
        (f"registry login {GITLAB}", "SE112"),
        (f"llm client key {SK_ANT}", "SE112"),
    ],
)
def test_each_kind_in_a_code_block_at_its_line_and_column(line, code):
    text = doc_with(f"```\n{line}\n```")
    number = line_of(text, line)
    found = findings(text)
    assert [(f[0], f[2]) for f in found] == [(number, code)]
    assert found[0][1] > 1  # the column points at the secret, not the line start
    secret = text.splitlines()[number - 1][found[0][1] - 1 :]
    assert "`" + secret[:2] in found[0][3]  # a few characters to find it...
    assert secret[:12] not in found[0][3]  # ...never the secret itself
    assert "rotate the credential" in found[0][4]
    # Right for a file not committed yet: it does not claim the secret is in git history.
    assert "once the file is committed" in found[0][4]


def test_private_key_in_frontmatter_and_json_and_its_example_twin():
    text = (
        "---\nid: 2025-02-09-x\nnote: |\n  -----BEGIN RSA PRIVATE KEY-----\n  "
        + PEM_BODY.replace("\n", "\n  ")
        + "\n  -----END RSA PRIVATE KEY-----\n---\n\n## Summary\n\nText.\n"
    )
    assert at(text) == [(4, "SE101")]
    assert "-----BEGIN RSA PRIVATE KEY-----" in findings(text)[0][3]
    escaped = PEM_BODY.replace("\n", "\\n")
    service_account = (
        f'{{"private_key_id": "{GCP_KEY_ID}", '
        f'"private_key": "-----BEGIN PRIVATE KEY-----\\n{escaped}\\n-----END PRIVATE KEY-----\\n"}}'
    )
    text = doc_with(f"```json\n{service_account}\n```")
    number = line_of(text, "private_key_id")
    assert at(text) == [(number, "SE103"), (number, "SE101")]
    example = doc_with("```\n-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n```")
    assert at(example) == []


def test_secret_in_a_table_cell_and_in_prose_url():
    text = doc_with(
        "| Time | Event |\n|---|---|\n"
        f"| 2025-02-09 14:05 | Worker logged `token={fill(24)}` on start |\n\n"
        "The dashboard was at https://admin:Sup3rS3cret@grafana.internal/d/abc."
    )
    assert at(text) == [
        (line_of(text, "Worker logged"), "SE111"),
        (line_of(text, "grafana.internal"), "SE110"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "password=<redacted>",
        "password=********",
        "DB_PASSWORD=${DB_PASSWORD}",
        "secret: my-app-secret",
        "Password: reset by the user",
        "The token expired at 14:05 and the secret rotation job ran.",
        "token=abc",
        "Authorization: Bearer <token>",
        "Authorization: Bearer $TOKEN",
        "postgres://orders:****@db.internal:5432/orders",
        "postgres://orders:${PGPASSWORD}@db.internal:5432/orders",
        "https://user:secret@example.com/login",
        "We use bearer authentication for every internal service.",
        "const aliceSecret = alice.computeSecret(bobKey);",
        "https://github.com/o/r/commit/4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "request id 123e4567-e89b-12d3-a456-426614174000 failed",
        "sha256:" + fill(64, "0123456789abcdef"),
        "commit " + fill(40, "0123456789abcdef") + " reverted",
        f"aws secret {AWS_SECRET} without its label is not flagged",
        "x" + GITHUB,  # inside a longer word: not a token
    ],
)
def test_placeholders_hashes_and_ids_are_not_flagged(line):
    assert at(doc_with(f"```\n{line}\n```")) == []


def test_documented_example_key_is_info_not_error():
    text = doc_with("```\naws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE\n```")
    found = run_rules(text, "SE", name="x.md")
    assert [(f.rule, f.severity) for f in found] == [("SE100", "info")]
    assert "documented example" in found[0].message


def test_mask_shows_at_most_four_characters():
    assert mask(AWS_ID) == AWS_ID[:4] + "****"
    assert mask("hunter22") == "hu****"
    assert mask("abc") == "****"


def test_errors_by_default_and_suppressed_in_place():
    line = f"export GITHUB_TOKEN={GITHUB}"
    text = doc_with(f"```\n{line}\n```")
    found = run_rules(text, "SE", name="x.md")
    assert [(f.rule, f.severity, f.category) for f in found] == [("SE105", "error", "security")]
    silenced = doc_with(f"<!-- postmortem: disable-next-line=SE105 -->\n{line}")
    assert run_rules(silenced, "SE", name="x.md") == []


def test_one_finding_per_secret_even_when_patterns_overlap():
    text = doc_with(f"```\nAuthorization: Bearer {JWT}\napi_key={GOOGLE_API}\n```")
    assert [code for _, code in at(text)] == ["SE108", "SE103"]


@pytest.mark.shared
def test_real_postmortems_only_the_quoted_leaked_token():
    """Measured: the one hit in the corpus is the PyPI report quoting its (revoked) leaked token."""
    hits = []
    for path in sorted(CORPUS.rglob("*.md")):
        doc = load_document(path)
        hits += [(path.name, line, code) for line, _, code, *_ in findings(doc.text)]
    assert [(name[:40], code) for name, _, code in hits] == [
        ("2024-07-08-incident-report-leaked-admin-", "SE111")
    ]


def test_scanning_grows_linearly_with_the_file(growth):
    def scan(lines: int) -> None:
        text = doc_with(
            "\n".join(f"line {i}: token refresh ok, password rotated" for i in range(lines))
        )
        assert find_secrets(text) == []

    assert growth(scan, 5_000) < 8  # linear: about 4; quadratic: 16


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("sk-proj-" + "Ab3dE6gH9jK2mN5pQ8rS1tU4wX7yZ0aB3cD6eF9gH2jK5mN8pQ1rS4tU7wX0", "SE112"),
        (
            "sk-ant-api03-" + "Ab3dE6gH9jK2mN5pQ8rS1tU4wX7yZ0aB3cD6eF9g" * 2 + "H2jK5mN8pQAA",
            "SE112",
        ),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "SE107"),
        ("AIza" + "SyD3fG6hJ9kL2mN5pQ8rS1tU4wX7yZ0aB3c", "SE103"),
        ("glpat-" + "Ab3dE6gH9jK2mN5pQ8rS", "SE112"),
        ("xoxc-" + "1234567890-Ab3dE6gH9jK2", "SE106"),
        ("xoxb-" + "1234567890-Ab3dE6gH9jK2", "SE106"),
    ],
)
def test_current_token_formats(text, code):
    found = findings(doc_with(f"The client logged {text} on startup."))
    assert [f[2] for f in found] == [code]


@pytest.mark.parametrize(
    "pasted",
    [
        "**Password**:\n`Xy7kd92Q!`",
        "DB password\n  Xy7kd92Q!",
        "API key:\n```\nAb3dE6gH9jK\n```",
    ],
)
def test_a_label_on_the_line_before_the_value(pasted):
    text = doc_with(pasted)
    value_line = line_of(text, "Xy7kd92Q!" if "Xy7" in pasted else "Ab3dE6gH9jK")
    assert [(f[0], f[2]) for f in findings(text)] == [(value_line, "SE111")]


@pytest.mark.parametrize(
    "prose",
    [
        "The password\nwas reset by the user.",
        "Rotate the token\nimmediately-after-use",
        "secret\n${DB_PASSWORD}",
        "API key:\n<redacted>",
    ],
)
def test_a_label_before_prose_or_a_placeholder_is_not_a_secret(prose):
    assert findings(doc_with(prose)) == []


def _labelled_examples() -> list[str]:
    """Texts each holding secrets of the patterns run with RE2 (labels, headers, URLs)."""
    return [
        f"password={fill(12)}",
        f"DB_PASSWORD: '{fill(14)}'\napi_key = {fill(20)}",
        f"Authorization: Bearer {fill(32)}",
        f"curl -H 'authorization: token {fill(40)}'",
        f"bearer {fill(28)} was logged",
        f"postgres://admin:{fill(12)}@db.internal:5432/x",
        f"https://acct.blob.core.windows.net/c?sv=2024-01-01&se=x&sig={fill(30)}",
        f"client secret {fill(3)}8Q~{fill(32)} in the log",
        f"aws_secret_access_key = {AWS_SECRET}",
        f"AWS_SESSION_TOKEN={fill(120)}",
        f"The client logged {STRIPE} on startup.",
        "Password:\n`Xy7kd92Q!`",
    ]


def test_the_re2_preselection_finds_what_every_pattern_finds(tmp_path):
    """`find_secrets` runs an RE2 pattern only when one RE2 set of them matches the text: the
    same hits as running every pattern, on the project's Markdown, the corpus (when present),
    generated post-mortems and texts with secrets for each pattern."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    texts = [doc_with(example) for example in _labelled_examples()]
    texts.append(doc_with("\n".join(_labelled_examples())))
    texts += [
        doc_with(f"`{token}`")
        for token in (AWS_ID, GITHUB, GITHUB_PAT, SLACK, JWT, GOOGLE_API, GITLAB, SK_ANT)
    ]
    hit = [find_secrets(t, preselect=False) for t in texts]
    assert sum(map(bool, hit)) == len(texts), "every example text holds a secret"
    assert len({h.code for hits in hit for h in hits}) >= 8
    paths = [p for p in ROOT.rglob("*.md") if ".venv" not in p.parts]
    paths += generate(tmp_path, 30, 1600)
    if CORPUS.is_dir():  # absent in a user's clone: the other texts are compared still
        paths += sorted(CORPUS.rglob("*.md"))
    texts += [p.read_text("utf-8", "replace") for p in paths]
    for text in texts:
        assert find_secrets(text) == find_secrets(text, preselect=False)


DEFERRED = """
import json, sys
from postmortem.rules import security
deferred = [p for p in security.PATTERNS if isinstance(p.regex, security._Deferred)]
before = sum(p.regex.compiled is not None for p in deferred)
security.find_secrets(sys.argv[1])
after = sorted(p.code for p in deferred if p.regex.compiled is not None)
print(json.dumps([len(deferred), before, after]))
"""


@pytest.mark.parametrize("secret", [False, True])
def test_re2_patterns_are_compiled_only_when_the_set_finds_them(secret: bool) -> None:
    """Importing the rules compiles no RE2 pattern; a text without secrets compiles none
    either (counted in a fresh process), and one with a Stripe key only the pattern that finds it."""
    import json
    import subprocess
    import sys

    from postmortem.rules import security

    if security.re2 is None:
        pytest.skip("RE2 is not installed: every pattern is a plain `re` one")
    text = doc_with(f"`{STRIPE}`" if secret else "The cache was full and the alert fired late.")
    done = subprocess.run(
        [sys.executable, "-c", DEFERRED, text], capture_output=True, text=True, timeout=60
    )
    count, before, after = json.loads(done.stdout)
    assert count >= 5 and before == 0
    assert after == (["SE107"] if secret else [])
    assert {h.code for h in find_secrets(text)} == ({"SE107"} if secret else set())
