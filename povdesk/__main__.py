"""Allows `python -m povdesk`; the bundle's entry point."""

from __future__ import annotations

import multiprocessing

if __name__ == "__main__":
    # a helper process of the bundle (the check run's, `services.batch_helper`) starts here and
    # does its work inside this call; the program itself goes on
    multiprocessing.freeze_support()
    from povdesk.cli import main

    raise SystemExit(main())
