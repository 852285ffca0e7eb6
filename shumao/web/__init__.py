"""The web portal (web.md): a FastAPI app factory over one store, server-rendered Chinese pages.

    app            ``create_app(db)``: the store opened once, every router, the error pages
    access         the one guard every route runs: who is asking, may they (access.rules), CSRF
    deps           the portal's shared object and its store as a route reaches them, typed
    bodies         a JSON request body read once, checked, a Chinese 400 otherwise
    auth           server-side sessions, the sign-in throttle
    pages          Jinja2 rendering, autoescaped
    figures        the figures a page shows, from the shared cache
    cache          computations shared between users, keyed by the store's generation
    refresh        the figures the pages open on, recomputed in the background after a change
    uploads        a web import's files on disk while it runs
    jobs           work that outlasts a request (publishing), its progress for the page
    bulletin_form  the 简报 editor's form
    words          a library message in the portal's words (form labels, the publish checkbox)
    audit          the audit log in words: each action's name, each entry's sentence
    assets         ECharts and htmx from the npm registry, checked against their sha512
    routes/        a module per part of the portal
    views/         view-models shared by the routes that show a thing
"""
