"""What was published: vintages (a report frozen with its records, reproduced exactly, and its
revisions) and an enterprise's own figures beside the city's published ones.

    vintages    freeze, reproduce, revisions
    beside      an enterprise's figures beside the newest published totals
"""
