"""interp: mechanistic analysis of safety alignment in chat models."""
