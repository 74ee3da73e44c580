"""The timetable's REST API (mounted under /api/v1/timetable/): weeks and lessons, with
the same permissions as the pages."""
