"""Use cases: the only place a transaction starts. Returns plain records, never ORM objects."""
