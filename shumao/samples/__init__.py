"""Sample data and the demo.

    synth       synthetic filings at any scale, streamed to disk
    demo        the whole product on generated data (``shumao demo``)
    bulletin/   the sample bulletin issue's content folder
"""
