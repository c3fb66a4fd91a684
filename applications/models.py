from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import dateformat, timezone

from residency.models import ListItemModel, NameSlugModel, OrderedModel, SlugQuerySet


class ApplicationCycleQuerySet(SlugQuerySet):
    def current(self):
        """The cycle the application pages show: the one marked current, else the latest."""
        return self.order_by("-is_current", "-deadline").first()


class ApplicationCycle(NameSlugModel):
    """One year's application cycle, from ERAS to the Match, with the text of the application page."""

    is_current = models.BooleanField(
        default=False, help_text="The application pages show the current cycle (or the latest, if none is ticked)."
    )
    eras_intro = models.TextField("applying through ERAS", help_text="A blank line starts a new paragraph.")
    deadline = models.DateTimeField(help_text="Applications close at this date and time (Eastern time).")
    screening_note = models.TextField(blank=True, help_text="Shown before the interview-invitation date.")
    invitations_by = models.DateField("all interview invitations granted by")
    step2_deadline = models.DateField("Step 2 results due in ERAS by")
    step2_reason = models.TextField("why Step 2 results are due", blank=True)
    letters_intro = models.TextField("letters of recommendation introduction", blank=True)
    letters_guideline = models.CharField(
        max_length=200, blank=True, help_text="The guidance the letter rules follow, e.g. “COVID-era AAIM guidelines”."
    )
    letters_tracks = models.ManyToManyField(
        "programs.Track", related_name="+", blank=True, help_text="Tracks whose applicants need the letters listed."
    )
    letters_max_in_eras = models.PositiveSmallIntegerField(
        "most letters ERAS transmits", help_text="A maximum of this many letters can be transmitted through ERAS."
    )
    multiple_programs_intro = models.TextField("applying to several programs: introduction", blank=True)
    simultaneous_review = models.TextField(
        "applying to several programs: how combined applications are reviewed", blank=True
    )
    interview_selection = models.TextField(blank=True, help_text="How applicants are selected for interview.")
    match_intro = models.TextField("the Match", blank=True, help_text="How positions are filled through the NRMP.")
    med_peds_text = models.TextField("Med-Peds pointer", blank=True)
    med_peds_url = models.URLField("Med-Peds address", blank=True)
    interview_format = models.TextField(
        "interview day: format", blank=True, help_text="How interviews are held this season."
    )
    interview_agenda_intro = models.TextField("interview day: introduction to the agenda", blank=True)
    img_intro = models.TextField("international graduates: how to apply", blank=True)
    applications_per_year = models.PositiveIntegerField(help_text="Applications received each year (about).")
    img_typical_min = models.PositiveSmallIntegerField("international graduates in the program, typically at least")
    img_typical_max = models.PositiveSmallIntegerField("international graduates in the program, typically at most")
    residents_total = models.PositiveSmallIntegerField("residents in the program (about)")
    away_rotations = models.TextField("away rotations for medical students", blank=True)
    observerships = models.TextField(blank=True)

    objects = ApplicationCycleQuerySet.as_manager()

    class Meta(NameSlugModel.Meta):
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(img_typical_max__gte=models.F("img_typical_min")),
                name="cycle_img_range",
                violation_error_message="Typical international graduates: the most cannot be fewer than the fewest.",
            )
        ]

    def get_absolute_url(self):
        return reverse("applications:apply")

    def clean(self):
        if self.deadline and timezone.is_naive(self.deadline):
            raise ValidationError({"deadline": "Give the deadline with its time zone."})

    def tracks_by_rule(self):
        """The tracks open to application, split into those that may be applied to together and those alone."""
        applications = list(self.track_applications.all())
        return (
            [application for application in applications if not application.is_exclusive],
            [application for application in applications if application.is_exclusive],
        )

    @property
    def letters_required(self):
        """The total of letters required: the least of each kind, added up."""
        return sum(letter.count_min for letter in self.letters.all())


class LetterRequirement(ListItemModel):
    """A letter of recommendation an applicant must send."""

    cycle = models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="letters")
    count_min = models.PositiveSmallIntegerField("fewest letters", default=1)
    count_max = models.PositiveSmallIntegerField("most letters", default=1)

    class Meta(ListItemModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(count_max__gte=models.F("count_min")),
                name="letter_count_range",
                violation_error_message="The most letters cannot be fewer than the fewest.",
            )
        ]

    @property
    def count_display(self):
        """“1-2” for a range; nothing for a single letter, whose text says “Letter from …”."""
        return f"{self.count_min}-{self.count_max}" if self.count_max > self.count_min else ""


class TrackApplicationQuerySet(models.QuerySet):
    def get_by_natural_key(self, cycle_slug, track_slug):
        return self.get(cycle__slug=cycle_slug, track__slug=track_slug)

    def of_current_cycle(self):
        """The tracks' rules in the cycle the application pages show."""
        return self.filter(cycle=ApplicationCycle.objects.current()).select_related("cycle")


class TrackApplication(OrderedModel):
    """How applicants apply to one track in a cycle: alone or together with others, and its interview dates."""

    cycle = models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="track_applications")
    track = models.ForeignKey("programs.Track", on_delete=models.PROTECT, related_name="applications")
    application_name = models.CharField(
        max_length=200, help_text="How the application page names it, e.g. “Physician Scientist Program”."
    )
    is_exclusive = models.BooleanField(
        "considered for this track only",
        default=False,
        help_text=(
            "Ticked: an applicant who selects this track is considered for it alone. "
            "Not ticked: it may be applied to together with the other tracks that are not ticked."
        ),
    )
    rule = models.TextField("what selecting it means", blank=True)
    interview_heading = models.CharField(
        max_length=200, blank=True, help_text="Heading over its interview dates, e.g. “Categorical Interview Days”."
    )

    objects = TrackApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "track__slug"]
        constraints = [models.UniqueConstraint(fields=["cycle", "track"], name="track_application_unique")]

    def __str__(self):
        return f"{self.application_name} ({self.cycle})"

    def natural_key(self):
        return (self.cycle.slug, self.track.slug)

    natural_key.dependencies = ["applications.applicationcycle", "programs.track"]

    @property
    def two_day_interviews(self):
        """Whether its interviews run over two days, both required."""
        return any(interview.second_date for interview in self.interview_dates.all())


class InterviewDateQuerySet(models.QuerySet):
    def get_by_natural_key(self, cycle_slug, track_slug, date):
        return self.get(
            track_application__cycle__slug=cycle_slug, track_application__track__slug=track_slug, date=date
        )


class InterviewDate(models.Model):
    """An interview day for a track; a two-day interview has a second day."""

    track_application = models.ForeignKey(TrackApplication, on_delete=models.CASCADE, related_name="interview_dates")
    date = models.DateField()
    second_date = models.DateField(
        null=True, blank=True, help_text="For interviews held over two days, the second day (both are required)."
    )

    objects = InterviewDateQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["track_application", "date"], name="interview_date_unique"),
            models.CheckConstraint(
                condition=models.Q(second_date__isnull=True) | models.Q(second_date__gt=models.F("date")),
                name="interview_second_date_after_first",
                violation_error_message="The second interview day must come after the first.",
            ),
        ]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (*self.track_application.natural_key(), self.date.isoformat())

    @property
    def label(self):
        """“Tuesday November 17th, 2020”, or for two days “Monday November 16th and Tuesday November 17th, 2020”."""
        if not self.second_date:
            return dateformat.format(self.date, "l F jS, Y")
        first = "l F jS" if self.date.year == self.second_date.year else "l F jS, Y"
        return f"{dateformat.format(self.date, first)} and {dateformat.format(self.second_date, 'l F jS, Y')}"

    natural_key.dependencies = ["applications.trackapplication"]


class InterviewActivity(ListItemModel):
    """Something every candidate does on the interview day."""

    cycle = models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="interview_activities")

    class Meta(ListItemModel.Meta):
        verbose_name_plural = "interview activities"


class GraduateRequirement(ListItemModel):
    """A requirement for international medical graduates; some carry a date, some sit under another."""

    cycle = models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="graduate_requirements")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text="Shown indented under this requirement.",
    )
    date = models.DateField(null=True, blank=True, help_text="Shown after the text, e.g. a certification deadline.")

    def clean(self):
        if self.parent_id and self.parent.cycle_id != self.cycle_id:
            raise ValidationError({"parent": "Choose a requirement of the same cycle."})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Requirements nest one level deep only."})
