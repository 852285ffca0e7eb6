"""Beyond one machine: the Parquet data set ('lake') of what the statistics count.

    export      ``shumao export``: the store's approved records as a Hive-partitioned data set
    read        the data set as a backend of the indicator expressions (DuckDB or Spark)
"""
