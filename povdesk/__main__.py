"""Allows `python -m povdesk`."""

from __future__ import annotations

from povdesk.cli import main

raise SystemExit(main())
