"""Forms of the homework pages: giving homework, handing it in, checking it, the archive filter."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Person, SchoolClass
from gradebook.errors import GradebookError
from gradebook.models import Homework, WorkType
from tenants.choices import Role
from timetable.forms import DateInput
from timetable.models import Lesson, Subgroup, Subject, TeachingAssignment

# How far ahead the «due by the lesson» list reaches, and how many lessons it offers.
DUE_LESSONS_AHEAD = timedelta(days=45)
DUE_LESSONS_COUNT = 12


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none were chosen)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def add_service_error(form: forms.Form, error: GradebookError) -> None:
    """Show a service's refusal beside the input it is about (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _lesson_label(lesson: Lesson) -> str:
    return f"{lesson.date:%d.%m} ({lesson.date:%a}), {lesson.bell_number} · {lesson.subject.name}"


class PickClassForm(forms.Form):
    """The first step when homework is not given from a lesson: which class and subject."""

    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none())
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.none())

    def __init__(self, *args, actor: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if actor.is_management:
            classes = SchoolClass.objects.all()
            subjects = Subject.objects.all()
        else:
            load = TeachingAssignment.objects.filter(teacher=actor)
            classes = SchoolClass.objects.filter(pk__in=load.values("school_class_id"))
            subjects = Subject.objects.filter(pk__in=load.values("subject_id"))
        self.fields["school_class"].queryset = classes.order_by("grade", "letter")
        self.fields["subject"].queryset = subjects.order_by("name")


class HomeworkForm(forms.Form):
    """Homework for one class in one subject (fixed by the lesson or the first step)."""

    subgroup = forms.ModelChoiceField(label=_("Group"), required=False, queryset=Subgroup.objects.none(),
                                      empty_label=_("the whole class"))
    students = forms.ModelMultipleChoiceField(
        label=_("Only these students"), required=False, queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to give it to the whole class (or the group)."))
    due_lesson = forms.ModelChoiceField(label=_("Due by the lesson"), required=False, queryset=Lesson.objects.none(),
                                        empty_label=_("— by the date below —"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    text = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    links = forms.CharField(label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("One web address a line."))
    video_url = forms.CharField(label=_("Video lesson"), required=False, max_length=500,
                                widget=forms.URLInput(attrs={"placeholder": "https://"}))
    online_url = forms.CharField(label=_("Online lesson link"), required=False, max_length=500,
                                 widget=forms.URLInput(attrs={"placeholder": "https://"}))
    needs_submission = forms.BooleanField(label=_("Students hand in their work"), required=False)
    work_type = forms.ModelChoiceField(label=_("Marks go to the journal as"), required=False,
                                       queryset=WorkType.objects.none(), empty_label=_("— no journal column —"))
    files = MultipleFileField(label=_("Files"))

    def __init__(self, *args, school_class: SchoolClass, subject: Subject, lesson: Lesson | None = None,
                 today: date, homework: Homework | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school_class, self.subject, self.lesson = school_class, subject, lesson
        self.fields["subgroup"].queryset = Subgroup.objects.filter(school_class=school_class).order_by("name")
        self.fields["students"].queryset = (
            Person.objects.filter(enrollments__school_class=school_class, roles__contains=[Role.STUDENT])
            .order_by("last_name", "first_name"))
        self.fields["students"].label_from_instance = lambda p: p.short_name
        start = max(today, lesson.date + timedelta(days=1)) if lesson else today
        upcoming = (Lesson.objects.filter(classes=school_class, subject=subject, date__gte=start,
                                          date__lte=start + DUE_LESSONS_AHEAD, status=Lesson.Status.SCHEDULED)
                    .select_related("subject").order_by("date", "bell_number")[:DUE_LESSONS_COUNT])
        ids = [lesson.pk for lesson in upcoming]
        if homework is not None and homework.due_lesson_id:
            ids.append(homework.due_lesson_id)
        self.fields["due_lesson"].queryset = (Lesson.objects.filter(pk__in=ids).select_related("subject")
                                              .order_by("date", "bell_number"))
        self.fields["due_lesson"].label_from_instance = _lesson_label
        self.fields["work_type"].queryset = WorkType.objects.all()
        if homework is not None:
            # Who it is for is fixed once given; the journal column too.
            for name in ("subgroup", "students", "work_type"):
                del self.fields[name]
        elif lesson is not None and not self.is_bound:
            self.initial.setdefault("subgroup", lesson.subgroup_id)
            if ids:
                self.initial.setdefault("due_lesson", ids[0])

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("due_lesson") and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", _("Choose the lesson or the date it is due by."))
        return data


class SubmissionForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=20000)
    files = MultipleFileField(label=_("Files"))


class AcceptForm(forms.Form):
    raw = forms.CharField(label=_("Mark"), required=False, max_length=10,
                          widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class ArchiveFilterForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("Class"), required=False, queryset=SchoolClass.objects.none(),
                                          empty_label=_("all classes"))
    subject = forms.ModelChoiceField(label=_("Subject"), required=False, queryset=Subject.objects.none(),
                                     empty_label=_("all subjects"))
    teacher = forms.ModelChoiceField(label=_("Teacher"), required=False, queryset=Person.objects.none(),
                                     empty_label=_("all teachers"))
    date_from = forms.DateField(label=_("Due from"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Due to"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.order_by("grade", "letter")
        self.fields["subject"].queryset = Subject.objects.order_by("name")
        self.fields["teacher"].queryset = (Person.objects.filter(roles__overlap=[Role.TEACHER, Role.DIRECTOR,
                                                                                 Role.DEPUTY, Role.ADMIN])
                                           .order_by("last_name", "first_name"))
        self.fields["teacher"].label_from_instance = lambda p: p.short_name
