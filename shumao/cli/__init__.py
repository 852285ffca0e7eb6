"""The ``shumao`` command: a thin edge over the library.

    app         the Typer app, every command, and the exception → exit-code policy
    help        help pages and usage errors in Chinese
"""
