"""Who may do what: roles, accounts (passwords, tokens), the portal's route rules and row scopes.

    roles       the roles, their Chinese names and groups (pure data; the store reads it)
    accounts    adding and disabling accounts, Argon2id passwords, API tokens
    rules       route name → the roles that may use it (the permission table)
    scopes      role → the rows it sees (its own enterprise, its district, all): list and object
"""
