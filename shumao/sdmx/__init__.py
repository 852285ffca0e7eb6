"""Digital trade in SDMX (digital-trade.md §4, §8.3, §8.6), written with pysdmx.

    structure   the DSD, dataflow, concept scheme and codelists, built from data/sdmx/ and
                the reference files the figures use
    data        the figures as SDMX observations, checked against the structure and written
                as SDMX-CSV 2.0, SDMX-ML 3.0 and a BaTIS-shaped extract
    files       the files of ``shumao sdmx structure`` and ``digital --format sdmx``, all or nothing
"""
