"""The study: base model, shallow DPO and AW-DPO, the same battery on each, and the report."""
