"""Reusable widgets of the exam app."""
