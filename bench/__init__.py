"""Benchmarks of Koers at scale: a synthetic agenda repository and a runner (`make bench`)."""
