"""Imports, exports, change packages and provincial feedback: no Qt, no sessions of their own."""
