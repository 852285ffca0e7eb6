"""Filing on the web (web.md filings-web): enterprises file contracts and executions record by
record, the edit checks run on submission, reviewers approve or return, filing windows set
the deadlines, reminders go to those who have not filed, and vintages keep every published
figure reproducible.

    fields      a filing's values as typed → the store's columns, or why not (hard checks)
    checks      the catalogue of edit checks (data: code, level, message, rule)
    service     create, edit, submit, review — the one path for pages, API and tests
    windows     each month's deadline, the year's close, lock and reopen
    vintages    a published report frozen with its records, reproduced, and its revisions
    board       the status board: each enterprise's one state for a month, late flags
    reminders   e-mails through SMTP to the enterprises that have not filed
"""
