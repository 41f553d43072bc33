"""Pure-Python core: the data dictionary, code lists, records, ID numbers and rules."""
