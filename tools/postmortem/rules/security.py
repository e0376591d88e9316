"""Likely secrets pasted from logs: cloud keys, tokens, private keys, passwords.

A post-mortem is merged into git and published: a credential pasted from a log stays in the
history even after it is edited out, so it must be rotated, not just deleted. These rules scan
the raw file, every line (frontmatter, code blocks, URLs and tables included), because that is
where secrets are pasted. A finding never prints the secret: only its first few characters.

Why our own patterns rather than detect-secrets (Yelp, PyPI `detect-secrets` 1.5.0, 2024-05):
measured on the real post-mortems and Node.js's API docs, its line-scanning API
(`scan_line`) takes 45 µs per line with only its regex plugins (230-390 µs with the default
entropy plugins, which then flag nearly every line of prose), i.e. seconds for an archive that
these patterns scan in milliseconds (one pass per pattern over the whole text); it pulls in
`requests` for its verification calls, and has no pattern for fine-grained GitHub tokens, GCP
service-account keys or bearer headers. The token formats below come from the vendors'
documentation and from the rule sets of detect-secrets (plugins/*.py, Apache-2.0) and gitleaks
(config/gitleaks.toml, MIT), cited per pattern.

Not flagged, on purpose: commit SHAs, UUIDs and other random-looking strings without a label
(no entropy guessing: a SHA in a GitHub URL is not a secret); obvious placeholders such as
`password=<redacted>`, `password=${DB_PASSWORD}`, `user:****@host`, `token=xxxxxxxx`.
Documented example credentials (AWS's `AKIAIOSFODNN7EXAMPLE`, any value containing `EXAMPLE`)
are reported as SE100 at `info` level: not a leak, but worth a look in case a real key sits
next to them.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..document import Document
from .base import Context, Problem, Rule, checker

try:  # RE2 comes with proselint; plain `re` is a correct, slower fallback
    import re2
except ImportError:  # pragma: no cover
    re2 = None


@dataclass(frozen=True)
class Pattern:
    """A pattern of a likely secret (the kind of secret it finds, for the message)."""

    code: str
    kind: str  # what the secret is, for the message ("AWS access key id")
    regex: Any  # a compiled `re` pattern or a `_Deferred` RE2 one, a group `value`: the secret
    labelled: bool = False  # the value follows a label (password=...): skip placeholders


def _p(code: str, kind: str, pattern: str, labelled: bool = False, dfa: bool = False) -> Pattern:
    """A pattern; `dfa` compiles it with RE2 (linear time), for patterns that do not start
    with a literal, which Python's `re` would try at every position of the text.

    Patterns have no look-arounds (RE2 has none, and a leading look-behind disables `re`'s
    literal-prefix search): the edges of a token are checked by `_bounded` instead.
    """
    regex = _Deferred(pattern) if dfa and re2 else re.compile(pattern)
    return Pattern(code, kind, regex, labelled)


class _Deferred:
    """An RE2 pattern compiled when it is first used. The set of the RE2 patterns
    (`_re2_set`) says which of them can match a text; most texts need none, and compiling all
    ten was 2 ms of every start of the pre-commit hook. `pattern` is the text; any other
    attribute is the compiled pattern's."""

    __slots__ = ("pattern", "compiled")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.compiled: Any = None

    def __getattr__(self, name: str) -> Any:
        if self.compiled is None:
            self.compiled = re2.compile(self.pattern)
        return getattr(self.compiled, name)


# Order matters: the first pattern to claim a span wins, so specific formats come before the
# generic `Authorization:` and `password=` patterns.
PATTERNS: tuple[Pattern, ...] = (
    # PEM/OpenSSH/PGP private keys (detect-secrets plugins/private_key.py; RFC 7468).
    _p("SE101", "private key", r"(?P<value>-----BEGIN[A-Z0-9 ]{0,20} PRIVATE KEY(?: BLOCK)?-----)"),
    # AWS access key ids: AKIA long-term, ASIA temporary (STS); ABIA, ACCA, A3T* from
    # detect-secrets plugins/aws.py and gitleaks `aws-access-token`.
    _p("SE102", "AWS access key id", r"(?P<value>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})"),
    # AWS secret access key / session token: only next to their label (a bare 40-character
    # base64 string could be anything, a git SHA-1 is 40 characters too).
    _p(
        "SE102",
        "AWS secret access key",
        r"(?i)aws_?secret_?(?:access_?)?key[\"']?\s*[:=]\s*[\"']?(?P<value>[A-Za-z0-9/+]{40})",
        dfa=True,
    ),
    _p(
        "SE102",
        "AWS session token",
        r"(?i)aws_?session_?token[\"']?\s*[:=]\s*[\"']?(?P<value>[A-Za-z0-9/+=]{100,})",
        dfa=True,
    ),
    # GCP service-account key file (cloud.google.com/iam/docs/keys-create-delete: a JSON with
    # "private_key_id" of 40 hex digits; its "private_key" is caught as SE101 too).
    _p("SE103", "GCP service-account key", r"\"private_key_id\"\s*:\s*\"(?P<value>[0-9a-f]{40})\""),
    # Google API keys, OAuth client secrets and access tokens (gitleaks `gcp-api-key`).
    _p("SE103", "Google API key", r"(?P<value>AIza[0-9A-Za-z_-]{35})"),
    _p("SE103", "Google OAuth client secret", r"(?P<value>GOCSPX-[0-9A-Za-z_-]{28})"),
    _p("SE103", "Google OAuth access token", r"(?P<value>ya29\.[0-9A-Za-z_-]{20,})"),
    # Azure storage account key in a connection string (detect-secrets azure_storage_key.py),
    # SAS token signatures, Entra ID client secrets (gitleaks `azure-ad-client-secret`).
    _p("SE104", "Azure storage account key", r"AccountKey=(?P<value>[A-Za-z0-9+/]{86}==)"),
    _p(
        "SE104",
        "Azure SAS token signature",
        r"[?&]sv=\d{4}-\d{2}-\d{2}[^\s]*?[?&]sig=(?P<value>[A-Za-z0-9%+/=]{20,})",
        dfa=True,
    ),
    _p(
        "SE104",
        "Azure client secret",
        r"(?P<value>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})",
        dfa=True,
    ),
    # GitHub tokens (docs.github.com "About authentication to GitHub": ghp_ personal, gho_
    # OAuth, ghu_ user-to-server, ghs_ server-to-server, ghr_ refresh; github_pat_ fine-grained).
    _p("SE105", "GitHub token", r"(?P<value>gh[pousr]_[A-Za-z0-9]{36})"),
    _p("SE105", "GitHub fine-grained token", r"(?P<value>github_pat_\w{82})"),
    # Slack tokens (api.slack.com/authentication/token-types: xoxb bot, xoxp user, xoxa/xoxr,
    # xoxe config) and incoming-webhook URLs (detect-secrets plugins/slack.py).
    # Any `xox?-` prefix: xoxc (browser session) and xoxd (cookie) tokens are credentials too.
    _p("SE106", "Slack token", r"(?P<value>xox[a-z](?:\.xox[a-z])?-[0-9A-Za-z-]{10,})"),
    _p(
        "SE106",
        "Slack webhook URL",
        r"(?P<value>https://hooks\.slack\.com/(?:services|workflows)/T\w+/\w+/\w+)",
    ),
    # Stripe secret and restricted keys, live and test (stripe.com/docs/keys), webhook secrets.
    _p("SE107", "Stripe key", r"(?P<value>[rs]k_(?:live|test)_[0-9A-Za-z]{16,})", dfa=True),
    _p("SE107", "Stripe webhook secret", r"(?P<value>whsec_[A-Za-z0-9]{32,})"),
    # Other services with a recognisable prefix (gitleaks rules of the same names).
    _p("SE112", "GitLab token", r"(?P<value>glpat-[0-9A-Za-z_-]{20,})"),
    _p("SE112", "npm token", r"(?P<value>npm_[A-Za-z0-9]{36})"),
    _p("SE112", "PyPI token", r"(?P<value>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"),
    _p(
        "SE112",
        "OpenAI API key",
        r"(?P<value>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})",
    ),
    # Project, service-account and admin keys (platform.openai.com/api-keys, 2024-): the
    # prefix alone is specific enough; not every such key carries the T3BlbkFJ marker.
    _p("SE112", "OpenAI API key", r"(?P<value>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})"),
    _p("SE112", "Anthropic API key", r"(?P<value>sk-ant-[a-z]{3,5}\d{2}-[A-Za-z0-9_-]{80,})"),
    _p("SE112", "SendGrid API key", r"(?P<value>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"),
    _p("SE112", "HashiCorp Vault token", r"(?P<value>hv[sb]\.[A-Za-z0-9_-]{24,})"),
    # JSON Web Tokens: base64url header and payload both start with `{"` = `eyJ`.
    _p(
        "SE108",
        "JSON Web Token",
        r"(?P<value>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
    ),
    # Passwords in URLs: scheme://user:password@host (detect-secrets plugins/basic_auth.py).
    _p(
        "SE110",
        "password in a URL",
        r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@?#]+:(?P<value>[^\s/@?#]+)@(?P<host>[A-Za-z0-9.-]+)",
        labelled=True,
        dfa=True,
    ),
    # Authorization headers: Bearer/Basic/Token credentials.
    _p(
        "SE109",
        "bearer token",
        r"(?i)\bauthorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|apikey)\s+"
        r"(?P<value>[A-Za-z0-9._~+/=-]{8,})",
        labelled=True,
        dfa=True,
    ),
    _p(
        "SE109",
        "bearer token",
        r"\b[Bb]earer\s+(?P<value>[A-Za-z0-9._~+/-]{20,}=*)",
        labelled=True,
        dfa=True,
    ),
    # password=..., passwd: ..., secret=..., api_key=..., token=... (gitleaks
    # `generic-api-key`, simplified). The label is read back from the keyword in `_label`.
    _p(
        "SE111",
        "password or secret",
        r"(?i)(?P<keyword>password|passwd|passphrase|secret|api[_-]?key|access[_-]?key|token)"
        r"[\"']?(?P<sep>\s*[:=]\s*|\s+is\s+)[\"']?(?P<value>[^\s\"'`&,;()<>|\]]{4,})",
        labelled=True,
        dfa=True,
    ),
    # The label on one line and the value alone on the next (a pasted form, chat message or
    # Markdown list): `**Password**:` then `` `Xy7!kd92` ``, maybe inside a code fence.
    _p(
        "SE111",
        "password or secret",
        r"(?im)(?P<keyword>password|passwd|passphrase|secret|api[_ -]?key|access[_ -]?key|token)"
        r"(?P<sep>[*_`\"')\]]{0,4}[ \t]*[:=\-]?[ \t]*\r?\n(?:[ \t]*(?:```|~~~)[\w-]*[ \t]*\r?\n)?"
        r"[ \t]*(?:[-*>][ \t]+)?[`\"']?)(?P<value>[^\s\"'`]{8,200})[`\"']?[ \t]*$",
        labelled=True,
        dfa=True,
    ),
)

# Values that stand for a secret without being one.
_PLACEHOLDER = re.compile(
    r"""^(?:
        [*•xX#.\-_]+                          # ****, xxxx, ....
      | <[^>]*>? | \[[^\]]*\]? | \{\{.*       # <redacted>, [REDACTED], {{ secret }}
      | \$\{?[A-Za-z_].*  | \$\(.* | %[sd(].* # ${DB_PASSWORD}, $TOKEN, $(cat ...), %s
      | .*(?:redacted|REDACTED|masked|MASKED|hidden|removed|placeholder|changeme|example).*
      | (?:password|passwd|pass|pwd|secret|token|none|null|nil|empty|true|false|
         required|optional|string|value|your[_-]?\w*|my[_-]?\w*|foo|bar|test|dummy|
         fake|sample|default)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_BASE64_CHAR = re.compile(r"[A-Za-z0-9+/=]")
_LABEL_CHAR = re.compile(r"[A-Za-z0-9_.-]")
# RFC 2606 documentation domains: `https://user:secret@example.com` is an example, not a leak.
_DOCUMENTATION_HOST = re.compile(r"(?:^|\.)example(?:\.(?:com|org|net))?$|\.(?:test|invalid)$")
_SECRET_LOOKING = re.compile(r"\d|[^\w./-]|[a-z].*[A-Z]|[A-Z].*[a-z]")
# A lowercase name such as `payments-db-2` or `app_secret_v2`: a resource name, not a secret.
_IDENTIFIER = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)+$|^[a-z]+$")


def _is_placeholder(value: str) -> bool:
    value = value.strip("\"'`")
    return bool(_PLACEHOLDER.match(value)) or len(set(value)) <= 2


def mask(value: str) -> str:
    """The first few characters of a secret and `****`: enough to find it, not to use it."""
    if value.startswith("-----BEGIN"):
        return value
    shown = min(4, len(value) // 4)
    return value[:shown] + "****"


@dataclass(frozen=True)
class Hit:
    """A likely secret found in a text, at an offset."""

    code: str
    kind: str
    start: int  # offset of the secret in the text
    value: str


@cache
def _re2_set() -> tuple[Any, list[int]] | None:
    """One RE2 set of every pattern compiled with RE2 (same engine, same default options): a
    pattern the set does not find in a text has no match in it, and is not run."""
    if re2 is None:
        return None
    owners = [i for i, p in enumerate(PATTERNS) if not isinstance(p.regex, re.Pattern)]
    search = re2.Set.SearchSet(re2.Options())
    for index in owners:
        search.Add(PATTERNS[index].regex.pattern)
    search.Compile()
    return search, owners


def find_secrets(text: str, preselect: bool = True) -> list[Hit]:
    """Every likely secret in `text`, by offset; each span is reported by one pattern only.
    With `preselect`, the RE2 patterns run only when the set of them (`_re2_set`) finds them
    in the text (tests/rules/test_security.py compares both ways)."""
    hits: list[Hit] = []
    skipped: set[int] = set()
    chosen = _re2_set() if preselect else None
    if chosen is not None:
        search, owners = chosen
        skipped = set(owners).difference(owners[i] for i in search.Match(text) or ())
    # Spans already claimed, sorted by start. They do not overlap, so their ends are sorted
    # too: a span overlaps one iff the last claimed span starting before its end reaches past
    # its start (a bisection, not a scan of every claim: text with thousands of hits).
    starts: list[int] = []
    ends: list[int] = []
    for index, pattern in enumerate(PATTERNS):
        if index in skipped:
            continue
        group = pattern.regex.groupindex["value"]
        for match in pattern.regex.finditer(text):
            start, end = match.span(group)
            value = match.group(group)
            before = bisect_left(starts, end)
            if before and ends[before - 1] > start:
                continue
            if pattern.labelled:
                if _is_placeholder(value) or not _labelled_secret(pattern, match, text):
                    continue
            elif not _bounded(text, start, end):
                continue
            if pattern.code == "SE101" and not _has_key_body(text, end):
                continue
            code = "SE100" if "EXAMPLE" in value else pattern.code
            at = bisect_left(starts, start)
            starts.insert(at, start)
            ends.insert(at, end)
            hits.append(Hit(code, pattern.kind, start, value))
    hits.sort(key=lambda h: h.start)
    return hits


def _bounded(text: str, start: int, end: int) -> bool:
    """The token is not the middle of a longer word (an `AKIA...` inside a hash is not a key)."""
    return not (start > 0 and text[start - 1].isalnum()) and not (
        end < len(text) and text[end].isalnum()
    )


def _has_key_body(text: str, end: int) -> bool:
    """A PEM header followed by key material, not by `...` or `<redacted>` in an example."""
    body = text[end : end + 400].split("-----END", 1)[0]
    body = body.replace("\\n", "\n")
    return len(_BASE64_CHAR.findall(body)) >= 40


def _labelled_secret(pattern: Pattern, match: Any, text: str) -> bool:
    """Whether a value after a label (password=, user:...@host, Bearer) is a real secret."""
    value = match.group(pattern.regex.groupindex["value"])
    if pattern.code == "SE110":
        host = match.group(pattern.regex.groupindex["host"]).lower()
        return not _DOCUMENTATION_HOST.search(host)
    if pattern.code == "SE109":
        # After `Authorization:` any value; a bare `Bearer` word must be followed by a token
        # with a digit ("bearer authentication" is prose).
        return match.group(0)[:1] in "aA" or any(c.isdigit() for c in value)
    if pattern.code != "SE111":
        return True
    keyword_start = match.start(pattern.regex.groupindex["keyword"])
    label_start = keyword_start
    while (
        label_start > 0
        and keyword_start - label_start < 30
        and _LABEL_CHAR.match(text[label_start - 1])
    ):
        label_start -= 1
    label = text[label_start : match.end(pattern.regex.groupindex["keyword"])].lower()
    end = match.end(pattern.regex.groupindex["value"])
    if end < len(text) and text[end] == "(":
        return False  # `secret = derive(...)` in a code sample: a call, not a value
    if value.lower() == label or value.lower().startswith(("http://", "https://")):
        return False  # "token=token"; a URL after "token:" is a link, not a token
    if "=" in match.group(pattern.regex.groupindex["sep"]) and not label.endswith("token"):
        return True  # password=... / secret=...: log and config syntax
    # `password: ...`, `token=...` or `password is ...`: prose uses these too; ask for a value
    # that looks random.
    return (
        len(value) >= 6
        and bool(_SECRET_LOOKING.search(value))
        and not value.isdigit()
        and not _IDENTIFIER.match(value)
    )


def _message(code: str, hit: Hit) -> tuple[str, str]:
    shown = mask(hit.value)
    if code == "SE100":
        return (
            f"`{shown}` looks like a {hit.kind} but is a documented example value",
            "Nothing to rotate if it is only an example; check that no real key was "
            "pasted next to it.",
        )
    return (
        f"{hit.kind} `{shown}` pasted into the post-mortem",
        f"Replace it with `{shown}` and rotate the credential: a pasted secret has been "
        "copied around already (chat, logs, this file), and once the file is committed "
        "it stays in git history even after it is edited out.",
    )


RULES = [
    Rule(
        "SE100",
        "example-credential",
        "security",
        severity="info",
        doc="""A documented example credential, such as AWS's `AKIAIOSFODNN7EXAMPLE`.

Any credential-shaped value containing `EXAMPLE` is reported here at `info` level instead of
under its own code: it is not a leak, but where an example key was pasted a real one may follow.
""",
    ),
    Rule(
        "SE101",
        "private-key",
        "security",
        doc="""A private key (`-----BEGIN ... PRIVATE KEY-----` followed by key material).

RSA, EC, DSA, OpenSSH, encrypted and PGP private keys, also inside a GCP service-account JSON.
A header followed by `...` or `<redacted>` (an example of the format) is not flagged.
""",
    ),
    Rule(
        "SE102",
        "aws-credentials",
        "security",
        doc="""AWS credentials: an access key id (AKIA..., ASIA...), or a secret access key or session token next to its label.

A bare 40-character string is not flagged (a git SHA-1 has 40 characters too); a secret
access key is recognised after `aws_secret_access_key`, `AWS_SECRET_ACCESS_KEY=` and the like.
""",
    ),
    Rule(
        "SE103",
        "gcp-credentials",
        "security",
        doc="""Google Cloud credentials: a service-account key file, an API key (AIza...), an OAuth client secret (GOCSPX-...) or access token (ya29....).""",
    ),
    Rule(
        "SE104",
        "azure-credentials",
        "security",
        doc="""Azure credentials: a storage account key (`AccountKey=`), a SAS token signature (`sv=...&sig=...`) or an Entra ID client secret (`...Q~...`).""",
    ),
    Rule(
        "SE105",
        "github-token",
        "security",
        doc="""A GitHub token: ghp_, gho_, ghu_, ghs_, ghr_ or github_pat_.""",
    ),
    Rule(
        "SE106",
        "slack-token",
        "security",
        doc="""A Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxe-...) or an incoming-webhook URL.""",
    ),
    Rule(
        "SE107",
        "stripe-key",
        "security",
        doc="""A Stripe secret or restricted key (sk_live_, rk_live_, sk_test_, rk_test_) or webhook secret (whsec_).""",
    ),
    Rule(
        "SE108",
        "jwt",
        "security",
        doc="""A JSON Web Token (`eyJ...`.`eyJ...`.`signature`): a session or API credential until it expires.""",
    ),
    Rule(
        "SE109",
        "bearer-token",
        "security",
        doc="""A credential in an HTTP header: `Authorization: Bearer|Basic|Token ...`, or `Bearer <token>`.

A placeholder (`Bearer <token>`, `Bearer $TOKEN`, `Bearer ****`) is not flagged.
""",
    ),
    Rule(
        "SE110",
        "url-password",
        "security",
        doc="""A password in a URL: `scheme://user:password@host`.

Placeholders are not flagged: `user:****@`, `user:<password>@`, `user:${DB_PASSWORD}@`, `user:pass@`.
""",
    ),
    Rule(
        "SE111",
        "password-assignment",
        "security",
        doc="""A password or secret assigned in a log or config line: `password=...`, `passwd: ...`, `secret=...`, `api_key=...`, `token=...`.

After `=` any value counts (log and config syntax) except placeholders (`<redacted>`, `***`,
`${VAR}`, `changeme`); after `:` or `is` the value must look random (digits, symbols or mixed
case), so that prose such as "Password: reset by the user" is not flagged.
""",
    ),
    Rule(
        "SE112",
        "service-token",
        "security",
        doc="""A token of another service with a recognisable prefix: GitLab (glpat-), npm (npm_), PyPI (pypi-), OpenAI (sk-...T3BlbkFJ...), Anthropic (sk-ant-), SendGrid (SG.), HashiCorp Vault (hvs.).""",
    ),
]


@checker("secrets", RULES)
def secrets(doc: Document, ctx: Context) -> Iterator[Problem]:
    """Every secret in the raw file, each under the code of its kind."""
    text = doc.text
    hits = find_secrets(text) if text else []
    if not hits:
        return
    # Line ends as the document counts them (a file may use \r alone).
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    for hit in hits:
        index = bisect_right(starts, hit.start) - 1
        message, suggestion = _message(hit.code, hit)
        yield Problem(index + 1, message, suggestion, hit.start - starts[index] + 1, hit.code)
