"""The reliability suite: fault, load and bad-input scenarios (../shared/RELIABILITY.md)."""
