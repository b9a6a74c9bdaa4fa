"""Benchmarks, fuzz and load scripts (issue 6). Not part of ``make test``; run ``make bench``."""
