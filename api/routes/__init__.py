"""Routers, split by audience."""
