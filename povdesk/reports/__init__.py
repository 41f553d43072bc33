"""Printed forms and Excel reports: no Qt, no sessions of their own."""
