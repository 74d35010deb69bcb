"""The staff reports: coverage and data quality, as CSV tables and one self-contained HTML page
each. Above `geodata` (the data and its checks) and `maps` (the report maps)."""
