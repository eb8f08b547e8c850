"""Fine-tuned multilingual-e5-small for comment sentiment (issue 19): training, cross-fitting, stacking.

See EXPERIMENTS.md for every route tried and `__main__.py` for the recipe.
"""
