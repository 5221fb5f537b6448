"""Data-quality gate: GX suites reporting staging's quarantine per raw table and rule (and
empty report tables), results in the warehouse, offline Data Docs. The rules are dbt's."""
