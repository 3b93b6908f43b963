"""Evidence of benefit for combinations: entries (``model``), their meta-analyses (``meta``),
forest plots (``plot``), plain numbers (``present``) and the views built from them.

Importing this package is cheap: statsmodels is imported only by :mod:`.meta`.
"""
