"""Intermediate care capacity and demand: for each month of a plan and each service type its
framework names (reablement at home on a discharge pathway, social support in the
community…), the demand expected and the capacity planned, in people; the months where
demand exceeds capacity flagged as gaps; the schemes that fund each service type's capacity.

Service types are the framework's data (`capacity_demand` in fixtures/frameworks/*.yaml).
Writes are in `services`, reads in `selectors`, the pages in `views`, the workbook in
`workbook` (written and imported back through plans/imports.py), the chart in `charts`.
"""
