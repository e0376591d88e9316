"""Prose quality through proselint (being written: rules PR1xx)."""

from __future__ import annotations
