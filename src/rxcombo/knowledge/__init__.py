"""The knowledge base: record schema, loading and checks, compilation into SQLite, reports and imports."""
