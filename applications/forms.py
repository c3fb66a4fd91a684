"""Admin forms for the application cycle: interview dates one per line, copying and publishing a cycle."""

import re

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import dateformat

from .models import YEAR, InterviewDate, TrackApplication

# What a coordinator may paste for one day: “2021-11-16”, “11/16/2021”, “November 16, 2021”,
# “Tuesday November 16th, 2021”; two days are joined by “and” or a comma.
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y"]
WEEKDAY = re.compile(r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+", re.IGNORECASE)
ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)
TWO_DAYS = re.compile(r"\s+and\s+|\s*[;+]\s*|\s*,\s*(?=[A-Za-z]|\d{4}-)", re.IGNORECASE)
MAX_LINES = 100


def format_interview(interview):
    """One line for a day: “Tuesday 2021-11-16”, or “Monday 2021-11-15 and Tuesday 2021-11-16” for two."""
    line = f"{interview.date:%A} {interview.date.isoformat()}"
    if interview.second_date:
        line += f" and {interview.second_date:%A} {interview.second_date.isoformat()}"
    return line


def _parse_day(text, line_number):
    cleaned = ORDINAL.sub(r"\1", WEEKDAY.sub("", text.strip()))
    field = forms.DateField(input_formats=DATE_FORMATS)
    try:
        return field.clean(cleaned)
    except ValidationError:
        raise ValidationError(
            f"Line {line_number}: “{text.strip()}” is not a date; write it as 2021-11-16 or November 16, 2021."
        ) from None


def parse_interview_lines(text):
    """(first day, second day or None) for each non-empty line; errors name the line."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValidationError(f"Paste at most {MAX_LINES} interview days at a time.")
    days, errors = [], []
    for number, line in enumerate(lines, start=1):
        parts = [part for part in TWO_DAYS.split(line.strip()) if part.strip()]
        if not parts or len(parts) > 2:
            errors.append(f"Line {number}: give one day, or two days joined by “and”.")
            continue
        try:
            parsed = [_parse_day(part, number) for part in parts]
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        days.append((parsed[0], parsed[1] if len(parsed) == 2 else None))
    if errors:
        raise ValidationError(errors)
    return days


class InterviewLinesForm(forms.ModelForm):
    """A track's application rule with its interview days as text, one per line, so they can be pasted."""

    interview_lines = forms.CharField(
        label="interview days",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 26}),
        help_text="One day per line, e.g. 2021-11-16; two days: 2021-11-16 and 2021-11-17.",
    )
    # Editing the list replaces the track's days; the track page's own form only adds to them.
    replaces = True

    class Meta:
        model = TrackApplication
        fields = ["cycle", "track", "application_name", "is_exclusive", "rule", "interview_heading", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.replaces and self.instance.pk:
            self.initial["interview_lines"] = "\n".join(
                format_interview(interview) for interview in self.instance.interview_dates.all()
            )

    def clean_interview_lines(self):
        days = parse_interview_lines(self.cleaned_data["interview_lines"])
        seen = set()
        for first, _second in days:
            if first in seen:
                raise ValidationError(f"{dateformat.format(first, 'l F j, Y')} is listed twice.")
            seen.add(first)
        return days

    def clean(self):
        cleaned = super().clean()
        cycle = cleaned.get("cycle") or (self.instance.cycle if self.instance.cycle_id else None)
        errors = []
        for first, second in cleaned.get("interview_lines") or []:
            problems = InterviewDate(date=first, second_date=second).date_errors(cycle)
            errors.extend(f"{dateformat.format(first, 'F j, Y')}: {message}" for message in problems.values())
        if errors:
            self.add_error("interview_lines", errors)
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        days = self.cleaned_data.get("interview_lines")
        if days is None or (not self.replaces and not days):
            return
        if self.replaces and not self.has_changed():
            return
        existing = {interview.date: interview for interview in self.instance.interview_dates.all()}
        wanted = dict(days)
        if self.replaces:
            for date, interview in existing.items():
                if date not in wanted:
                    interview.delete()
        for date, second in wanted.items():
            interview = existing.get(date)
            if interview is None:
                InterviewDate.objects.create(track_application=self.instance, date=date, second_date=second)
            elif interview.second_date != second:
                interview.second_date = second
                interview.save()


class AddInterviewLinesForm(InterviewLinesForm):
    replaces = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interview_lines"].label = "add interview days"
        self.fields[
            "interview_lines"
        ].help_text = (
            "Paste new days, one per line (e.g. 2021-11-16, or 2021-11-16 and 2021-11-17); they are added below."
        )


def next_name(name):
    """The name of the cycle after `name`: “2020-2021” becomes “2021-2022”."""
    return YEAR.sub(lambda match: str(int(match.group()) + 1), name)


class CopyCycleForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="The new cycle's name, e.g. 2021-2022.")
    weeks = forms.IntegerField(
        min_value=1,
        max_value=520,
        initial=52,
        help_text="Every date moves on by this many weeks; 52 keeps interview days on their weekday.",
    )

    def clean_name(self):
        from django.utils.text import slugify

        from .models import ApplicationCycle

        name = self.cleaned_data["name"].strip()
        if not slugify(name):
            raise ValidationError("Give the cycle a name with letters or digits, e.g. 2021-2022.")
        if ApplicationCycle.objects.named(name).exists():
            raise ValidationError(f"A cycle named {name} already exists: choose another name.")
        return name


class PublishCycleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(
        label="go live at",
        required=False,
        widget=AdminSplitDateTime,
        help_text="Eastern Time. Leave blank to publish now.",
    )
