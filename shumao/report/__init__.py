"""Numbers → Chinese text, tables and charts."""
