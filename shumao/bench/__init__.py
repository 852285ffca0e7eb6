"""``shumao bench``: each step as a whole process against a bare baseline in the same run.

    harness     scratch stores, data sets, timing, and the import, report, web and filing benchmarks
    curve       import and report from 10⁵ to 10⁸ (``shumao bench curve``)
"""
