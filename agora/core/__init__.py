"""Shared mechanisms no feature owns: sanitiser, permission policy, pagination, errors."""
