from django.db import models
from django.urls import reverse

from residency.formats import clock, clock_range
from residency.models import ListItemModel, NameSlugModel, SlugQuerySet


class Rotation(NameSlugModel):
    """A rotation of the inpatient or outpatient curriculum, such as the ambulatory care rotation."""

    class Setting(models.TextChoices):
        INPATIENT = "inpatient", "Inpatient"
        OUTPATIENT = "outpatient", "Outpatient"

    setting = models.CharField(max_length=20, choices=Setting.choices)
    abbreviation = models.CharField(max_length=20, blank=True, help_text="Short form, e.g. ACR.")
    description = models.TextField(blank=True)


class ElectiveCategory(NameSlugModel):
    """A kind of elective, such as divisional or community-based electives."""

    description = models.TextField(blank=True, help_text="Text before the list of electives.")

    class Meta(NameSlugModel.Meta):
        verbose_name_plural = "elective categories"


class Elective(NameSlugModel):
    """An elective a resident can choose."""

    category = models.ForeignKey(ElectiveCategory, on_delete=models.PROTECT, related_name="electives")


class ConferenceQuerySet(SlugQuerySet):
    def with_formats(self):
        return self.prefetch_related("formats")


class Conference(NameSlugModel):
    """A recurring teaching conference, such as Medical Grand Rounds."""

    days = models.CharField(
        max_length=200, blank=True, help_text="When in the week, e.g. “Monday through Friday” or “Most Fridays”."
    )
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    period = models.CharField(
        max_length=200, blank=True, help_text="When in the year, e.g. “First three months of the academic year”."
    )
    description = models.TextField(help_text="A blank line starts a new paragraph.")

    objects = ConferenceQuerySet.as_manager()

    class Meta(NameSlugModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True)
                | models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="conference_ends_after_start",
                violation_error_message="A conference must end after it starts.",
            )
        ]

    def get_absolute_url(self):
        return reverse("curriculum:conference_detail", args=[self.slug])

    @property
    def hours(self):
        """The time of day as the program shows it, e.g. “12:15-1:00 pm”."""
        if not self.start_time:
            return ""
        if not self.end_time:
            return clock(self.start_time)
        return clock_range(self.start_time, self.end_time)


class ConferenceFormat(ListItemModel):
    """One of the formats a conference takes, such as the Clinicopathological Cases."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="formats")
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name
