"""povdesk: the county clerk's workstation for the registered poor-household data."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "povdesk"
APP_DISPLAY_NAME = "povdesk"
ORG_NAME = "povdesk"
