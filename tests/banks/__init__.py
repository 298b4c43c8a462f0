"""Tests of the three built-in question banks and their default papers (issue 3).

A package, so its module names (``banks.test_grounding`` ...) cannot clash with same-named test modules elsewhere.
"""
