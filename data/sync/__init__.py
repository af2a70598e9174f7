"""Sync bundles between stations: keys and trust, the bundle format, export and import.

Kept free of imports so that ``data.service`` can use the key module without a cycle.
"""
