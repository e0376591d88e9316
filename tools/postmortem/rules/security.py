"""Likely secrets pasted from logs (being written: rules SE1xx)."""

from __future__ import annotations
