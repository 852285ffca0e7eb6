"""The ``shumao`` command: a thin edge over the library.

    app         the Typer app and its groups, the command tree, the exception → exit-code policy
    options     the shared options, consoles, JSON output and path rules
    data        import, status, codes, export
    report      report, explain, vintages
    digital     digital (the 【数字贸易】 section)
    publish     bulletin, generate, demo
    portal      serve, user add/token/list/disable, remind
    bench       the bench commands
    help        help pages and usage errors in Chinese
    coercion    text, flag and path options taken without Pydantic (start-up)
"""
