"""Benchmarks for the Safe Places locator: ``python -m bench`` (see docs/benchmarks.md).

Nothing here is a test: the suite measures the project's k-nearest search against scipy's
cKDTree and numpy brute force, and postcode lookups in the gazetteer, then writes a report.
"""
