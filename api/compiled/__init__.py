"""A compiled executor for the registered query operations (``executor.py``): plans built once at
start answer the requests they cover from plain rows; everything else takes the general path."""

from api.compiled.executor import CompiledOperations

__all__ = ["CompiledOperations"]
