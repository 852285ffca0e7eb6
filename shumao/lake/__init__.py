"""Beyond one machine: the Parquet data set ('lake') of what the statistics count.

    export      ``shumao export``: the store's approved records as a Hive-partitioned data set
    read        the data set as a backend of the indicator expressions (DuckDB or Spark)
    verify      the data set checked against its manifest (every file, its rows and sha256)
                before any figure is computed
    place       a finished folder put in the place of another all or nothing; what killed
                runs left beside it cleared
"""
