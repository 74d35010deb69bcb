"""Safe Places domain: venues, opening hours, settings and the spatial locator."""
