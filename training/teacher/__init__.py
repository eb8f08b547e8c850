"""A fine-tuned e5-small teacher: its silver labels train fritekst's small CPU models."""
