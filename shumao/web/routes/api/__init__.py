"""The JSON API (``/api/v1``) of the parts of the portal whose pages and API grew apart.

    filings     filings and the review queue: create, edit, submit, review
"""
