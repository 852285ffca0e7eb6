"""Filing on the web (web.md filings-web): enterprises file contracts and executions record by
record, the edit checks run on submission, reviewers approve or return, filing windows set
the deadlines, and reminders go to those who have not filed (vintages, which keep every
published figure reproducible, are shumao.publication's).

    fields      a filing's values as typed → the store's columns, or why not (hard checks)
    checks      the catalogue of edit checks (data: code, level, message, rule)
    service     create, edit, submit, review, 零申报 — the one path for pages, API and tests
    rates       汇率: filing in any currency (待折算), entering a month's rate, what it converted
    windows     each month's deadline, the year's close, lock and reopen
    ledger      is a store's filing record whole (one filing, one history chain, one audit entry)
    board       the status board: each enterprise's one state for a month, late flags
    reminders   e-mails through SMTP to the enterprises that have not filed
"""
