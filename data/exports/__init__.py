"""Exports for the rest of the world: CSV for spreadsheets, Open311 GeoReport v2 JSON."""
