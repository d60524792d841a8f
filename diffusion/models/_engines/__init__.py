"""Thin adapters around third-party estimators, returning plain arrays."""
