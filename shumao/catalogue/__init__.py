"""The catalogue of rules: every code shumao can give about data or wording, as data.

``imports`` — the issues of ``shumao import``; ``edits`` — the edit checks of a web filing;
``wording`` — wording that must never reach a reader.
"""
