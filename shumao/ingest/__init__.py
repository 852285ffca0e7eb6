"""Ingest: a user's files → checked, typed records, in a private staging database that never
touches the store until the whole import is clean.

    read/       CSV, XLSX and Parquet as staged text tables, with the rows the user sees
    headers     the header row found, each header mapped to its column and unit
    normalise   text → typed values (dates, codes, exact cents), a column at a time
    checks      the row and cross-record checks as SQL, yielding findings
    issues      a finding → an ``Issue`` (code, level, Chinese message) from the catalogue
    staging     the private DuckDB of one import and its tables
    importer    ``import_files``: read → normalise → check, then the store loads all or nothing
    cancel      stopping an import on Ctrl-C or SIGTERM before its load, never during
    causes      the issues by cause, causes first (one mistyped id, the rows it breaks)
    issue_list  the issues written as CSV or XLSX for the clerk to fix
"""
