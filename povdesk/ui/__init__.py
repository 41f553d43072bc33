"""The PySide6 user interface; it talks to services only."""
