"""Submission documents of a plan version: template checks, the Part 1 PDF, the Part 2
workbook (export and import), and versions (roll forward, differences)."""
