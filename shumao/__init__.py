"""shumao（数贸）：数字贸易与服务外包统计 — from enterprise filings to the 数据月报 and the bulletin."""

__version__ = "0.1.0"
