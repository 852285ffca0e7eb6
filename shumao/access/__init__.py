"""Who may do what: accounts (passwords, tokens) and the portal's route rules.

    accounts    adding and disabling accounts, Argon2id passwords, API tokens
    rules       route name → the roles that may use it (the permission table)
"""
