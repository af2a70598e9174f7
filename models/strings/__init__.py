"""The string catalogue, one module per area; every key maps to (Simplified Chinese, English)."""
