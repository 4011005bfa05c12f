"""Fuzz tests of the input readers and the formula language (issue 8, Done means)."""
