"""Numbers → Chinese text, tables and charts: the 数据月报 in every format.

    service     ``build_report`` / ``report_of``: the one path from records to a ReportDoc
    narrative   the text, exactly as report.md words it
    numbers     figures in Chinese: 万美元, growth, shares
    tables      the small tables, one per breakdown
    charts      the four charts (SVG and PNG)
    vetting     checks before publication: parts add up, disclosure, wording
    explain     one figure traced to its filter and records (指标溯源)
    data        the report as JSON
    formats     Markdown, HTML and XLSX
    fonts       the CJK fonts charts and documents are set in
"""
