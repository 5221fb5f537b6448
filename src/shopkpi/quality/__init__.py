"""Data-quality gate: GX suites on the raw tables and the marts, results in the warehouse."""
