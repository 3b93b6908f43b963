"""Version of the compiled database layout; a database of another version is rebuilt.

Kept apart from ``models`` so that reading the database never imports pydantic.
"""

SCHEMA_VERSION = 4
