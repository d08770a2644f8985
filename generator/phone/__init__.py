"""Homework that comes back: phone copies of worksheets, the practice's key, answers files."""
