"""Timetable pages by concern: `setup` (calendar, rooms, subjects — wizard steps), `week`
(personal, class, teacher and room timetables, feeds), `editor` (the weekly template),
`lessons` (generation), `substitutions` (changes and absences)."""
