"""Benchmarks for summitbot: ``python -m bench.run`` from the repository root."""
