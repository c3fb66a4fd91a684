"""Admin forms for the application cycle: interview dates one per line, copying and publishing a cycle."""

import re

from adminsortable2.admin import CustomInlineFormSet
from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.text import slugify

from .models import YEAR, ApplicationCycle, InterviewDate, TrackApplication

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
    typed_weekday = WEEKDAY.match(text.strip())
    cleaned = ORDINAL.sub(r"\1", WEEKDAY.sub("", text.strip()))
    field = forms.DateField(input_formats=DATE_FORMATS)
    try:
        day = field.clean(cleaned)
    except ValidationError:
        raise ValidationError(
            f"Line {line_number}: “{text.strip()}” is not a date; write it as 2021-11-16 or November 16, 2021."
        ) from None
    if typed_weekday and typed_weekday.group(1).lower() != f"{day:%A}".lower():
        raise ValidationError(
            f"Line {line_number}: {dateformat.format(day, 'F j, Y')} is a {day:%A}, not a "
            f"{typed_weekday.group(1).capitalize()}: check the date or the weekday."
        )
    return day


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


class InterviewLinesField(forms.CharField):
    """Interview days typed one per line; unchanged when the days are the same, however the lines end."""

    def has_changed(self, initial, data):
        try:
            return parse_interview_lines(initial) != parse_interview_lines(data)
        except ValidationError:
            return True


class InterviewLinesForm(forms.ModelForm):
    """A track's application rule with its interview days as text, one per line, so they can be pasted."""

    interview_lines = InterviewLinesField(
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

    def __init__(self, *args, stored_deadline=None, **kwargs):
        # On the cycle's page, the deadline the cycle had before this save (a new one is checked by the cycle's form).
        self.stored_deadline = stored_deadline
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
        if cycle is not None and self.stored_deadline is not None and cycle.deadline != self.stored_deadline:
            # The deadline is being changed on the same page: the cycle's form checks every day against it once.
            cycle = None
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


class InterviewLinesFormSet(CustomInlineFormSet):
    """The track rows of a cycle's page (put in order by dragging), each told the deadline the cycle had before."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored_deadline = self.instance.deadline if self.instance.pk else None

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "stored_deadline": self.stored_deadline}


class ApplicationCycleForm(forms.ModelForm):
    """The cycle's page: a new deadline is checked once against every interview day typed on the page."""

    # The inline rows of track applications on the same page (their formset's prefix).
    TRACKS_PREFIX = TrackApplication._meta.get_field("cycle").remote_field.get_accessor_name()

    class Meta:
        model = ApplicationCycle
        # The admin gives the fields of its fieldsets; this form adds the check of the deadline.
        fields = ["deadline"]

    def clean(self):
        cleaned = super().clean()
        deadline = cleaned.get("deadline")
        if deadline and self.instance.pk and "deadline" in self.changed_data:
            outside = self._days_outside_season(ApplicationCycle(name=self.instance.name, deadline=deadline))
            if outside:
                start, end = ApplicationCycle(deadline=deadline).season
                shown = ", ".join(dateformat.format(day, "F j, Y") for day in outside[:3])
                more = f" and {len(outside) - 3} more" if len(outside) > 3 else ""
                self.add_error(
                    "deadline",
                    f"With this deadline, interview days fall between {dateformat.format(start, 'F j, Y')} and "
                    f"{dateformat.format(end, 'F j, Y')}, but {len(outside)} of this cycle's interview days do not "
                    f"({shown}{more}): check the deadline's year, or move the days too.",
                )
        return cleaned

    def _days_outside_season(self, cycle):
        """The interview days typed on this page (or stored, for rows not on it) outside `cycle`'s season."""
        start, end = cycle.season
        pattern = re.compile(rf"^{re.escape(self.TRACKS_PREFIX)}-(\d+)-interview_lines$")
        typed = {}
        for name, value in self.data.items():
            match = pattern.match(name)
            if match and not self.data.get(f"{self.TRACKS_PREFIX}-{match.group(1)}-DELETE"):
                typed[match.group(1)] = value
        days = []
        if typed:
            for text in typed.values():
                try:
                    days.extend(first for first, _second in parse_interview_lines(text))
                except ValidationError:
                    continue  # The row says what is wrong with its own lines.
        else:
            days = list(
                InterviewDate.objects.filter(track_application__cycle=self.instance).values_list("date", flat=True)
            )
        return sorted(day for day in days if not start <= day <= end)


class CopyCycleForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="The new cycle's name, e.g. 2021-2022.")
    weeks = forms.IntegerField(
        min_value=1,
        max_value=520,
        initial=52,
        help_text="Every date moves on by this many weeks; 52 keeps interview days on their weekday.",
    )

    def clean_name(self):
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
    # Set by the confirmation page, which says what the public site will show.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cycle, **kwargs):
        self.cycle = cycle
        super().__init__(*args, **kwargs)

    def clean_publish_at(self):
        at = self.cleaned_data["publish_at"]
        if at is not None and at <= timezone.now():
            raise ValidationError("A scheduled publication needs a time in the future; to publish now, give none.")
        return at

    @property
    def needs_confirmation(self):
        """Publishing now, or a cycle whose deadline has passed, is confirmed on a page saying what it changes."""
        return not self.cleaned_data.get("confirmed") and (
            self.cleaned_data["publish_at"] is None or self.cycle.has_closed
        )
