"""Folium map rendering (the public pages build on this)."""
