"""Prompt data: real harmful benchmarks, project-written benign and reasoning sets, user files."""
