"""``shumao bench``: each step as a whole process against a bare baseline in the same run.

    harness      scratch stores, data sets, process timing, the server started and waited for
    steps        import and report against DuckDB read_csv / PostgreSQL COPY and hand-written SQL;
                 the start-up of a command against a bare ``python -c pass``
    web_load     the portal under load while a data set is imported (``shumao bench web``)
    filing_load  enterprises filing at once, the store checked after (``shumao bench filings``)
    curve        import and report from 10⁵ to 10⁸ (``shumao bench curve``)
    publishing   the sample issue in every channel, side by side and as before (``shumao bench publish``)
"""
