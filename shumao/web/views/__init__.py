"""View-models: what a page or a JSON answer shows of a thing, shared by the routes that show it.

    filing      a filing as its pages and the API show it, and which filings a request may see
"""
