"""The demo county: an invented Leibo county with recorded faults (issue #2 part 5)."""
