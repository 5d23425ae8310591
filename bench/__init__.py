"""Capacity benchmarks (issue #6): ``python -m bench`` — see docs/performance.md."""
