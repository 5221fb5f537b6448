"""E-commerce operations KPI warehouse: data generator, raw loader and command line."""

__version__ = "0.1.0"
