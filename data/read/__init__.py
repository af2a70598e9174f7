"""The read side: plain read models, one module per view."""
