"""The administration's reports, one module per report, shared by the pages, the API and the
XLSX/PDF exports (`gradebook.exports`). Every report is built with a fixed number of queries:
the figures are aggregated in SQL (conditional Count/Sum), never fetched student by student.

- `summary` — a class's period marks, students × subjects («ведомость»);
- `progress` — pass rate and quality by class, subject, teacher and for the school;
- `attendance` — lessons missed, excused and unexcused, lateness;
- `journal_keeping` — held lessons left without topic, marks or attendance, by teacher;
- `report_card` — one student's marks for every period of the year («табель»).
"""
