"""Reading staff, student and parent lists from XLSX/CSV files and planning what they change.

Pure of writes: `plan.plan_build` reads the school and the file and returns a plan;
`core.services.imports` writes it.
"""
