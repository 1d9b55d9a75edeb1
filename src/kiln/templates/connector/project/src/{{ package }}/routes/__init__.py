"""The HTTP endpoints, one blueprint per module."""
