"""Data-quality rules: pure functions over plain household records (domain.md §5)."""
