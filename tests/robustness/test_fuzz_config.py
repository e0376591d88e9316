"""Property test of the configuration: any `.postmortem.yml` content is either refused with a
ConfigError naming the file and line, or accepted, and then no rule crashes with it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.config import DEFAULTS, Config, ConfigError, merge
from postmortem.document import parse_bytes
from postmortem.rules import REGISTRY
from postmortem.validation import INTERNAL, check_document

from fuzzing import SEED, TODAY, mutated_body

# The project's Hypothesis profile (tests/conftest.py), with fewer examples: each is slower.
FUZZ = settings(max_examples=max(1, settings().max_examples // 3))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["P1", "P2", "error", "warning", "info", "Summary", "default", "-spelling"]),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=6), SCALARS, max_size=3),
)
RULE_SETTINGS = st.one_of(
    st.booleans(),
    VALUES,
    st.dictionaries(
        st.one_of(st.sampled_from([*DEFAULTS, "severity", "enabled", "phrases"]), st.text()),
        VALUES,
        max_size=3,
    ),
)
RAW = st.dictionaries(
    st.sampled_from(list(DEFAULTS)),
    st.one_of(VALUES, st.builds(lambda v: DEFAULTS[v], st.sampled_from(list(DEFAULTS)))),
    max_size=6,
).flatmap(
    lambda raw: st.dictionaries(st.sampled_from(sorted(REGISTRY)), RULE_SETTINGS, max_size=3).map(
        lambda rules: {**raw, "rules": rules} if rules else raw
    )
)
SEED_DOC = parse_bytes(SEED.encode(), "postmortems/2025-02-09-api-service-degradation.md")


@FUZZ
@given(RAW, mutated_body())
def test_any_configuration_is_refused_or_safe(raw: dict, data: bytes) -> None:
    try:
        values = merge(raw, ".postmortem.yml", {})
    except ConfigError as error:
        assert str(error).startswith(".postmortem.yml:")
        return
    config = Config(values=values)
    doc = parse_bytes(data, "postmortems/2025-02-09-api-service-degradation.md")
    for checked in (SEED_DOC, doc):
        try:
            findings = check_document(checked, config, TODAY)
        except ConfigError:
            continue  # reported by the CLI with the file and line, exit 2
        internal = [f.message for f in findings if f.rule == INTERNAL]
        assert not internal, (raw, internal)
