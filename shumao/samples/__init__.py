"""Sample data and the demo.

    synth       synthetic filings at any scale, streamed to disk
    digital     synthetic digital-trade data for a sample city (customs e-commerce, platforms,
                contracts' delivery fields)
    demo        the whole product on generated data (``shumao demo``)
    bulletin/   the sample bulletin issue's content folder
"""
