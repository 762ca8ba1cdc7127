"""Storage: the data model, database sessions, migrations, and import/export of data."""
