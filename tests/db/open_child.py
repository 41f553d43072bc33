"""A child process for test_open_concurrent: opens (creating and migrating) the database given."""

from __future__ import annotations

import sys

from povdesk.services.database import Database

if __name__ == "__main__":
    Database.open(sys.argv[1], user=sys.argv[2], backups=None).close()
