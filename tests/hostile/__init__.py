"""Hostile-input harness: the contract's operations, generated bad values, and the checks that
every refusal is typed."""
