import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import slugify

from residency.fields import WebAddressField
from residency.models import ContentModel, ListItemModel, NameSlugModel, OrderedModel, SlugQuerySet, fill_slug

from . import preview

# A four-digit year in running text (“the 2020-2021 interview season”), moved on when a cycle is copied.
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


class ApplicationCycleQuerySet(SlugQuerySet):
    def named(self, name):
        """Cycles a new cycle called `name` would clash with: the same name, or the slug it would get."""
        return self.filter(models.Q(name__iexact=name.strip()) | models.Q(slug=slugify(name)))

    def published(self, now=None):
        """Cycles whose publish time has come: the live one and those it replaced."""
        return self.filter(publish_at__lte=now or timezone.now())

    def live(self, now=None):
        """
        The one cycle the public pages show, decided at request time: the latest whose publish
        time has come. A staff member previewing a cycle sees that one instead.
        """
        previewed = preview.previewed_cycle()
        if previewed is not None:
            return previewed
        return self.published(now).order_by("-publish_at", "-pk").first()

    def current(self):
        """The cycle the public pages show (an alias of `live`)."""
        return self.live()

    def scheduled(self, now=None):
        return self.filter(publish_at__gt=now or timezone.now())

    def drafts(self):
        return self.filter(publish_at=None)

    def moments(self):
        """Times at which the public pages change by themselves: each publish time and each deadline."""
        moments = []
        for publish_at, deadline in self.values_list("publish_at", "deadline"):
            moments.extend(moment for moment in (publish_at, deadline) if moment)
        return moments

    def live_only(self, now=None):
        """The live cycle (as `live()` decides it) as a one-row queryset, to filter by in the same query."""
        previewed = preview.previewed_cycle()
        if previewed is not None:
            return self.filter(pk=previewed.pk)
        return self.filter(pk__in=self.published(now).order_by("-publish_at", "-pk").values("pk")[:1])


class ApplicationCycle(NameSlugModel):
    """One year's application cycle, from ERAS to the Match, with the text of the application page."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        ARCHIVED = "archived", "Archived"

    publish_at = models.DateTimeField(
        "published at",
        null=True,
        blank=True,
        help_text=(
            "When the cycle goes live on the public site (Eastern Time); it replaces the cycle live before it. "
            "Blank: a draft that only staff can preview."
        ),
    )
    texts_to_review = models.JSONField(
        default=list,
        blank=True,
        help_text="Texts whose years were moved on when the cycle was copied; a coordinator checks each one.",
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
    med_peds_url = WebAddressField("Med-Peds address", blank=True)
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
        errors = {}
        if self.deadline:
            deadline_day = timezone.localdate(self.deadline)
            after = f"after the application deadline ({dateformat.format(deadline_day, 'F j, Y')})"
            if self.invitations_by and self.invitations_by <= deadline_day:
                errors["invitations_by"] = f"Interview invitations are granted {after}: choose a later date."
            if self.step2_deadline and self.step2_deadline <= deadline_day:
                errors["step2_deadline"] = f"Step 2 results are due {after}: choose a later date."
        if errors:
            raise ValidationError(errors)

    def status_at(self, now=None, live=None):
        """Draft, scheduled, live or archived at `now`; `live` is the live cycle, if already known."""
        now = now or timezone.now()
        if self.publish_at is None:
            return self.Status.DRAFT
        if self.publish_at > now:
            return self.Status.SCHEDULED
        live = live if live is not None else type(self).objects.published(now).order_by("-publish_at", "-pk").first()
        return self.Status.LIVE if live is not None and live.pk == self.pk else self.Status.ARCHIVED

    @property
    def status(self):
        return self.status_at()

    @property
    def has_closed(self):
        """Whether its application deadline has passed."""
        return self.deadline <= timezone.now()

    @property
    def last_changed(self):
        """
        When the pages showing the cycle last changed: its last edit, or later the moment it went
        live or closed, since both change what those pages say.
        """
        now = timezone.now()
        passed = [moment for moment in (self.publish_at, self.deadline) if moment and moment <= now]
        return max(filter(None, [self.changed_at, *passed]), default=None)

    @property
    def season(self):
        """
        The days interviews may fall on: from September 1 of the deadline's year to the last
        day of February after it (rank order lists are due in early March).
        """
        year = timezone.localdate(self.deadline).year
        return datetime.date(year, 9, 1), datetime.date(year + 1, 2, calendar.monthrange(year + 1, 2)[1])

    def publish(self, at=None):
        """Make the cycle live now, or at `at`; the cycle live before it is archived from then on."""
        now = timezone.now()
        if at is not None and at <= now:
            raise ValidationError("A scheduled publication needs a time in the future; to publish now, give none.")
        self.publish_at = at or now
        self.save(update_fields=["publish_at"])

    def unpublish(self):
        """Back to a draft: the cycle live before it (if any) is shown again."""
        self.publish_at = None
        self.save(update_fields=["publish_at"])

    @transaction.atomic
    def copy(self, name, weeks=52):
        """
        A draft copy of the cycle and everything of its year, every date moved on by `weeks`
        (52 keeps interview days on their weekday) and the years named in its texts moved on
        too; each text whose years moved is listed in `texts_to_review`.
        """
        shift = datetime.timedelta(weeks=weeks)
        years = round(weeks / 52)
        to_review = []

        def moved(obj, fields, label):
            for field in fields:
                old = getattr(obj, field)
                new = YEAR.sub(lambda match: str(int(match.group()) + years), old) if years else old
                if new != old:
                    setattr(obj, field, new)
                    to_review.append(f"{label}: {obj._meta.get_field(field).verbose_name}")

        source_pk, source_slug = self.pk, self.slug
        source = type(self).objects.get(pk=source_pk)
        letters_tracks = list(source.letters_tracks.all())
        cycle = source
        cycle.pk = cycle.id = None
        cycle._state.adding = True
        cycle.name = name
        cycle.slug = slugify(name)
        cycle.publish_at = None
        cycle.deadline = _shift_instant(source.deadline, shift)
        cycle.invitations_by += shift
        cycle.step2_deadline += shift
        moved(cycle, _text_fields(cycle, exclude={"name"}), "Application cycle")
        cycle.texts_to_review = []
        cycle.full_clean(exclude=["texts_to_review"])
        cycle.save()
        cycle.letters_tracks.set(letters_tracks)

        def child_slug(slug):
            base = slug.removeprefix(f"{source_slug}-")
            return f"{cycle.slug}-{base}"[:200]

        for model in (LetterRequirement, InterviewActivity):
            for item in model.objects.filter(cycle_id=source_pk):
                item.pk = item.id = None
                item.cycle = cycle
                item.slug = child_slug(item.slug)
                moved(item, ["text"], f"{model._meta.verbose_name.capitalize()} “{item}”")
                item.save()
        parents = {}
        requirements = GraduateRequirement.objects.filter(cycle_id=source_pk).order_by("parent_id", "pk")
        for requirement in sorted(requirements, key=lambda r: r.parent_id is not None):
            old_pk = requirement.pk
            requirement.pk = requirement.id = None
            requirement.cycle = cycle
            requirement.slug = child_slug(requirement.slug)
            requirement.parent = parents.get(requirement.parent_id)
            if requirement.date:
                requirement.date += shift
            moved(requirement, ["text"], f"International graduate requirement “{requirement}”")
            requirement.save()
            parents[old_pk] = requirement
        for application in TrackApplication.objects.filter(cycle_id=source_pk).prefetch_related("interview_dates"):
            interviews = list(application.interview_dates.all())
            application.pk = application.id = None
            application.cycle = cycle
            moved(application, ["application_name", "rule", "interview_heading"], f"Track “{application.track}”")
            application.save()
            for interview in interviews:
                # One by one, so the history records each day.
                InterviewDate.objects.create(
                    track_application=application,
                    date=interview.date + shift,
                    second_date=interview.second_date + shift if interview.second_date else None,
                )
        cycle.texts_to_review = to_review
        cycle.save(update_fields=["texts_to_review"])
        return cycle

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


class CycleItemModel(ListItemModel):
    """An entry of a list that belongs to one cycle; its slug is filled in from the text."""

    class Meta(ListItemModel.Meta):
        abstract = True

    def save(self, *args, **kwargs):
        # Prefixed with the cycle's slug: each year's copy of a list has slugs of its own.
        fill_slug(self, f"{self.cycle.slug} {self.text}")
        super().save(*args, **kwargs)


def _shift_instant(moment, shift):
    """`moment` moved on by `shift` at the same Eastern wall-clock time, across daylight-saving changes."""
    local = timezone.localtime(moment)
    return timezone.make_aware(local.replace(tzinfo=None) + shift)


def _text_fields(obj, exclude=()):
    return [
        field.name
        for field in obj._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not isinstance(field, (models.SlugField, models.URLField))
        and field.name not in exclude
    ]


class LetterRequirement(CycleItemModel):
    """A letter of recommendation an applicant must send."""

    cycle = models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="letters")
    count_min = models.PositiveSmallIntegerField("fewest letters", default=1)
    count_max = models.PositiveSmallIntegerField("most letters", default=1)

    class Meta(CycleItemModel.Meta):
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

    def current_rules(self):
        """The current cycle's rules, ready to answer for any tracks (`applications.rules.CycleRules`), or None."""
        from .rules import current_rules

        return current_rules()

    def current_cycle(self):
        """The cycle the applicants' tools answer for, or None (for apps that refer to tracks, not cycles)."""
        from .rules import current_cycle

        return current_cycle()


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
    interviews = models.CharField(
        "interviews with faculty",
        max_length=200,
        blank=True,
        help_text="How its candidates are interviewed, as the application page says, e.g. “1-1 interview”.",
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

    def schema_org_events(self, site_url, organizer):
        """Its interview days as schema.org events (a two-day interview is one event over both days).

        `organizer` is a reference to the hospital's node, {"@id": …}.
        """
        url = site_url + reverse("applications:interviews")
        return [
            {
                "@type": "Event",
                "name": f"{self.application_name}: interview day",
                "startDate": interview.date.isoformat(),
                "endDate": (interview.second_date or interview.date).isoformat(),
                "url": url,
                "organizer": organizer,
            }
            for interview in self.interview_dates.all()
        ]

    @property
    def two_day_interviews(self):
        """Whether its interviews run over two days, both required."""
        return any(interview.second_date for interview in self.interview_dates.all())


class InterviewDateQuerySet(models.QuerySet):
    def get_by_natural_key(self, cycle_slug, track_slug, date):
        return self.get(
            track_application__cycle__slug=cycle_slug, track_application__track__slug=track_slug, date=date
        )


class InterviewDate(ContentModel):
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

    # The most days a second interview day may come after the first (a Friday and the Monday after).
    SECOND_DAY_WITHIN = 3

    def clean(self):
        errors = self.date_errors(self.track_application.cycle if self.track_application_id else None)
        if errors:
            raise ValidationError(errors)

    def date_errors(self, cycle):
        """What is wrong with the days, by field, in a coordinator's words; `cycle` is the cycle they are for."""
        errors = {}
        if self.date and cycle is not None and cycle.deadline:
            start, end = cycle.season
            if not start <= self.date <= end:
                errors["date"] = (
                    f"Interview days of the {cycle.name} cycle fall between {dateformat.format(start, 'F j, Y')} "
                    f"and {dateformat.format(end, 'F j, Y')}: check the year."
                )
        if self.date and self.second_date:
            gap = (self.second_date - self.date).days
            if not 0 < gap <= self.SECOND_DAY_WITHIN:
                errors["second_date"] = (
                    f"The second day comes 1 to {self.SECOND_DAY_WITHIN} days after the first "
                    f"({dateformat.format(self.date, 'l F j, Y')}): check the date."
                )
        return errors

    @property
    def weekday(self):
        return dateformat.format(self.date, "l") if self.date else ""

    @property
    def is_past(self):
        """Whether the interview day (the last, for two days) is over."""
        return (self.second_date or self.date) < timezone.localdate()

    @property
    def label(self):
        """“Tuesday November 17th, 2020”, or for two days “Monday November 16th and Tuesday November 17th, 2020”."""
        if not self.second_date:
            return dateformat.format(self.date, "l F jS, Y")
        first = "l F jS" if self.date.year == self.second_date.year else "l F jS, Y"
        return f"{dateformat.format(self.date, first)} and {dateformat.format(self.second_date, 'l F jS, Y')}"

    natural_key.dependencies = ["applications.trackapplication"]


class InterviewActivity(CycleItemModel):
    """Something every candidate does on the interview day."""

    cycle = models.ForeignKey(ApplicationCycle, on_delete=models.CASCADE, related_name="interview_activities")

    class Meta(CycleItemModel.Meta):
        verbose_name_plural = "interview activities"


class GraduateRequirement(CycleItemModel):
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
