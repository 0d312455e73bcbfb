"""Shared pytest configuration for pipeline_kit's Python tests."""
