"""What was published: vintages (a report frozen with its records, reproduced exactly, and its
revisions), the files the public archive offers from them, and an enterprise's own figures
beside the city's published ones.

    vintages    freeze, reproduce, revisions
    downloads   a published edition's 【数字贸易】 files (XLSX, SDMX zip) from its vintage
    beside      an enterprise's figures beside the newest published totals
"""
