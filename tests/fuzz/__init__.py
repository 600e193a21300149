"""Fuzzing with a fixed budget: hostile files and inputs must end in coded diagnostics or
refusals, never in a traceback, a hang, a non-finite number or a store written to."""
