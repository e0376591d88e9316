"""Learning across incidents: contributing-factor categories, similar post-mortems, and the
themes that recur across the archive. Pure functions over parsed documents; the CLI, the
validator's LE rules, the site and the weekly digest are thin adapters over them.

The text engine (scipy/bm25s) is imported only when a similarity index is built, so that
`postmortem --version` and the validation of one file do not pay for it.
"""
