"""View-models: what a page or a JSON answer shows of a thing, shared by the routes that show it."""
