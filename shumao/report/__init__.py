"""Numbers → Chinese text, tables and charts: the 数据月报 in every format.

    settings    ReportSettings: what shapes one report, and its JSON form
    doc         ReportDoc: everything a rendering needs, computed once
    request     ReportRequest: what is asked (period, settings, vintage, data set) and its rules;
                ``produce`` gives the document, or a vintage as published
    service     ``build_report`` / ``report_of``: the one path from records to a ReportDoc
    render      RENDERERS: every format's extension, media type, label and drawing, for CLI and web
    narrative   the text, exactly as report.md words it
    numbers     figures in Chinese: 万美元, growth, shares
    tables      the small tables, one per breakdown
    charts      the four charts (SVG and PNG)
    vetting     checks before publication: parts add up, disclosure, wording
    explain     one figure traced to its filter and records (指标溯源)
    data        the report as JSON
    formats     Markdown, HTML and XLSX
    fonts       the CJK fonts charts and documents are set in
    digital     the 【数字贸易】 section (spec/digital-trade.md §8.1), its JSON, disclosure and
                the SDMX observations (``observations``)
    digital_tables  its tables (表1–表6 and 说明) as XLSX and HTML, and for the portal page
    digital_explain one figure of those tables traced to the executions and customs lines behind
                it, each with the part it counts (指标溯源 of 数字贸易)
"""
