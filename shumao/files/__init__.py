"""Files exchanged with users, made safe.

    sheets      the CSV and XLSX shumao writes, every user-supplied text inert
    safezip     reading an uploaded zip without trusting it
    unpack      the data files of one import, a zip's unpacked (web and ``shumao import``)
    scratch     the private temporary folders of a run, and the sweep of those a killed run left
"""
