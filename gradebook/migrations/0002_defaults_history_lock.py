"""Every school starts with the usual Russian scales, work types and attendance codes (the
school edits them), and with a journal history nobody can rewrite: a trigger refuses
UPDATE and DELETE on gradebook_journalchange."""

from decimal import Decimal

from django.db import migrations

FIVE = [{"raw": str(v), "numeric": str(v)} for v in (5, 4, 3, 2, 1)]
# «4+» and «4−» count a quarter above and below 4; «3−» still passes, «4−» is still good.
FIVE_SIGNS = [{"raw": "5", "numeric": "5"}, {"raw": "5-", "numeric": "4.75"}]
for v in (4, 3, 2):
    FIVE_SIGNS += [{"raw": f"{v}+", "numeric": f"{v}.25"}, {"raw": str(v), "numeric": str(v)},
                   {"raw": f"{v}-", "numeric": f"{v - 1}.75"}]
FIVE_SIGNS.append({"raw": "1", "numeric": "1"})
SCALES = [
    # name, kind, values, min, max, pass_from, good_from, counts, default
    ("Пятибалльная", "five", FIVE, 1, 5, 3, 4, True, True),
    ("Пятибалльная с плюсами и минусами", "five_signs", FIVE_SIGNS, 1, 5, "2.75", "3.75", True, False),
    ("Десятибалльная", "ten", [{"raw": str(v), "numeric": str(v)} for v in range(10, 0, -1)], 1, 10, 4, 7, True,
     False),
    ("Двенадцатибалльная", "twelve", [{"raw": str(v), "numeric": str(v)} for v in range(12, 0, -1)], 1, 12, 4, 7,
     True, False),
    ("Стобалльная", "hundred", [], 0, 100, 50, 70, True, False),
    ("Зачёт / незачёт", "pass_fail", [{"raw": "зач", "numeric": "1"}, {"raw": "незач", "numeric": "0"}], 0, 1, 1, 1,
     False, False),
    ("Буквенная (A–F)", "letters", [{"raw": r, "numeric": n} for r, n in
                                    (("A", "5"), ("B", "4.5"), ("C", "4"), ("D", "3.5"), ("E", "3"), ("F", "2"))],
     2, 5, 3, 4, True, False),
]
WORK_TYPES = [
    ("Ответ на уроке", "отв", "1", True),
    ("Домашняя работа", "дз", "1", False),
    ("Самостоятельная работа", "с/р", "1.5", False),
    ("Практическая работа", "пр", "1.5", False),
    ("Лабораторная работа", "л/р", "1.5", False),
    ("Диктант", "дикт", "2", False),
    ("Сочинение", "соч", "2", False),
    ("Контрольная работа", "к/р", "2", False),
    ("Проверочная работа", "п/р", "1.5", False),
]
CODES = [
    ("н", "отсутствовал", True, False),
    ("б", "болел", True, True),
    ("у", "уважительная причина", True, True),
    ("оп", "опоздал", False, False),
]

LOCK_SQL = """
CREATE OR REPLACE FUNCTION gradebook_journalchange_readonly() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'journal history is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER gradebook_journalchange_readonly
    BEFORE UPDATE OR DELETE ON gradebook_journalchange
    FOR EACH ROW EXECUTE FUNCTION gradebook_journalchange_readonly();
"""
UNLOCK_SQL = """
DROP TRIGGER IF EXISTS gradebook_journalchange_readonly ON gradebook_journalchange;
DROP FUNCTION IF EXISTS gradebook_journalchange_readonly();
"""


def add_defaults(apps, schema_editor):
    scale_model = apps.get_model("gradebook", "GradingScale")
    for name, kind, values, low, high, pass_from, good_from, counts, default in SCALES:
        scale_model.objects.get_or_create(kind=kind, defaults={
            "name": name, "values": values, "min_value": Decimal(low), "max_value": Decimal(high),
            "pass_from": Decimal(pass_from), "good_from": Decimal(good_from), "counts_in_average": counts,
            "is_default": default,
        })
    work_type = apps.get_model("gradebook", "WorkType")
    for position, (name, short, weight, default) in enumerate(WORK_TYPES):
        work_type.objects.get_or_create(name=name, defaults={
            "short_name": short, "weight": Decimal(weight), "is_default": default, "position": position})
    code_model = apps.get_model("gradebook", "AttendanceCode")
    for position, (code, name, absence, excused) in enumerate(CODES):
        code_model.objects.get_or_create(code=code, defaults={
            "name": name, "is_absence": absence, "is_excused": excused, "position": position})
    apps.get_model("gradebook", "GradebookSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("gradebook", "0001_initial")]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
        migrations.RunSQL(LOCK_SQL, UNLOCK_SQL),
    ]
