import calendar
import datetime
import re

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import capfirst, slugify

from residency.fields import WebAddressField
from residency.history import owned_relations, owned_rows
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
        # To the second: the fixtures keep times to the millisecond, and an export loads back unchanged.
        self.publish_at = (at or now).replace(microsecond=0)
        self.save(update_fields=["publish_at"])

    def unpublish(self):
        """Back to a draft: the cycle live before it (if any) is shown again."""
        self.publish_at = None
        self.save(update_fields=["publish_at"])

    def _live_besides(self):
        return type(self).objects.published().exclude(pk=self.pk).order_by("-publish_at", "-pk").first()

    def _closing(self):
        when = f"{dateformat.format(timezone.localtime(self.deadline), 'F j, Y')} at {_clock(self.deadline)}"
        if self.has_closed:
            return (
                f"Its application deadline ({when} Eastern Time) has passed: the pages will say that the "
                f"{self.name} application cycle has closed, and mark its dates as past."
            )
        return f"Applications close on {when} Eastern Time."

    def publishing_effects(self, at=None):
        """What the public site shows once the cycle is published now (or at `at`), in a coordinator's words."""
        before = self._live_besides()
        when = "from now on" if at is None else f"from {_moment(at)} Eastern Time"
        instead = f", in place of {before.name}, which is archived" if before else ""
        return [
            f"The application pages and the track pages show the {self.name} cycle {when}{instead}.",
            self._closing(),
        ]

    def unpublishing_effects(self):
        """What the public site shows once the cycle is a draft again, in a coordinator's words."""
        status = self.status
        after = self._live_besides()
        if status == self.Status.SCHEDULED:
            return [
                f"It will not go live on {_moment(self.publish_at)} Eastern Time; the public site does not change."
            ]
        if status == self.Status.ARCHIVED:
            return ["Nothing changes on the public site: another cycle has replaced it already."]
        if after is None:
            return [
                "No other cycle has been published: the application pages will not be shown, and the track "
                "pages will show no interview days, until a cycle is published."
            ]
        return [f"The public site shows {after.name} again, the cycle live before it.", after._closing()]

    def deletion_refusal(self):
        """Why the cycle may not be deleted now (live or scheduled), or None."""
        status = self.status
        if status in (self.Status.LIVE, self.Status.SCHEDULED):
            return (
                f"{self.name} is {status.label.lower()}, so it cannot be deleted: the public site would silently "
                "fall back to an older cycle. Publish another cycle, or return this one to draft "
                "(“Publish or reschedule”), then delete it."
            )
        return None

    @transaction.atomic
    def copy(self, name, weeks=52):
        """
        A draft copy of the cycle and everything that belongs to it, every date moved on by `weeks` (52
        keeps interview days on their weekday) and the years named in its texts moved on too; each text
        whose years moved is listed in `texts_to_review`.

        What belongs to a cycle is found from the relations: every row that points to it (or to such a
        row) with a key deleted along with it. A row that cannot be repeated in a copy (a unique value
        other than a slug) stops the copy before anything is made, naming its model.
        """
        source = type(self).objects.get(pk=self.pk)
        rows = owned_rows(source, relations=owned_relations)
        copier = _Copier(source, rows, weeks)
        copier.refuse_what_cannot_be_copied()
        cycle = copier.copy_cycle(name)
        for row in copier.in_order():
            copier.copy_row(row)
        cycle.texts_to_review = copier.to_review
        cycle.save(update_fields=["texts_to_review"])
        return cycle

    def review_items(self):
        """The texts to review, each with its words before the copy and now: [{"label", "before", "now"}]."""
        items = []
        for entry in self.texts_to_review:
            if not isinstance(entry, dict):
                items.append({"label": str(entry), "before": "", "now": ""})
                continue
            items.append({"label": entry.get("label", ""), "before": entry.get("before", ""), "now": _now(entry)})
        return items

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


def _clock(moment):
    from residency.formats import clock

    return clock(timezone.localtime(moment))


def _moment(moment):
    return f"{dateformat.format(timezone.localtime(moment), 'F j, Y')} at {_clock(moment)}"


def _now(entry):
    """The current words of a text listed for review, or "" if it is no longer there."""
    try:
        model = apps.get_model(entry["model"])
        key = entry.get("key")
        manager = model._default_manager
        obj = manager.get_by_natural_key(*key) if isinstance(key, list) else manager.get(pk=entry.get("pk"))
        return getattr(obj, entry["field"])
    except (KeyError, LookupError, TypeError, ValueError, AttributeError, ObjectDoesNotExist):
        return ""


class _Copier:
    """Copies a cycle and the rows that belong to it, found from the relations (see `ApplicationCycle.copy`)."""

    def __init__(self, source, rows, weeks):
        self.source = source
        self.rows = rows
        self.shift = datetime.timedelta(weeks=weeks)
        self.years = round(weeks / 52)
        self.to_review = []
        self.copies = {}  # (model, old pk) → the copy
        self.models = {type(row) for row in rows} | {type(source)}

    def refuse_what_cannot_be_copied(self):
        for model in sorted({type(row) for row in self.rows}, key=lambda model: model._meta.label):
            reason = self._why_not(model)
            if reason:
                raise ValidationError(
                    f"{capfirst(model._meta.verbose_name_plural)} belong to the cycle but cannot be copied: {reason}. "
                    "Nothing was copied."
                )

    def _why_not(self, model):
        if model._meta.parents:
            return "they extend another model"
        for field in model._meta.concrete_fields:
            if field.primary_key or not field.unique or isinstance(field, models.SlugField):
                continue
            if not (field.is_relation and field.related_model in self.models):
                return f"their “{field.verbose_name}” must be unique, and a copy would repeat it"
        for fields in [*model._meta.unique_together, *(c.fields for c in model._meta.total_unique_constraints)]:
            renewed = [
                name
                for name in fields
                if isinstance(model._meta.get_field(name), models.SlugField)
                or (
                    model._meta.get_field(name).is_relation
                    and model._meta.get_field(name).related_model in self.models
                )
            ]
            if not renewed:
                return f"their {', '.join(fields)} must be unique together, and a copy would repeat them"
        return None

    def in_order(self):
        """The rows, each after the rows it refers to (a requirement after the one it sits under)."""
        pending = list(self.rows)
        done = set()
        ordered = []
        while pending:
            ready = [row for row in pending if not self._waits_for(row, pending, done)]
            if not ready:  # A loop of references: keep the order found, the database checks at the end.
                ready = pending[:1]
            for row in ready:
                ordered.append(row)
                done.add((type(row), row.pk))
                pending.remove(row)
        return ordered

    def _waits_for(self, row, pending, done):
        keys = {(type(other), other.pk) for other in pending} - done
        for field in row._meta.concrete_fields:
            value = getattr(row, field.attname)
            if field.many_to_one and value is not None and (field.related_model, value) in keys:
                if (field.related_model, value) != (type(row), row.pk):
                    return True
        return False

    def _move_years(self, obj, label, exclude=()):
        for name in _text_fields(obj, exclude=exclude):
            old = getattr(obj, name)
            new = YEAR.sub(lambda match: str(int(match.group()) + self.years), old) if self.years else old
            if new != old:
                setattr(obj, name, new)
                field = obj._meta.get_field(name)
                self.to_review.append({"label": f"{label}: {field.verbose_name}", "field": name, "before": old})

    def _move_dates(self, obj, exclude=()):
        for field in obj._meta.concrete_fields:
            value = getattr(obj, field.attname)
            if value is None or field.name in exclude:
                continue
            if isinstance(field, models.DateTimeField):
                setattr(obj, field.attname, _shift_instant(value, self.shift))
            elif isinstance(field, models.DateField):
                setattr(obj, field.attname, value + self.shift)

    def _remember(self, obj, start):
        """Say where each text listed for review from `start` on now lives, by natural key when it has one."""
        key = {"key": list(obj.natural_key())} if hasattr(obj, "natural_key") else {"pk": obj.pk}
        for entry in self.to_review[start:]:
            entry.update(model=obj._meta.label_lower, **key)

    def copy_cycle(self, name):
        cycle = type(self.source).objects.get(pk=self.source.pk)
        m2m = {field.name: list(getattr(cycle, field.name).all()) for field in cycle._meta.many_to_many}
        cycle.pk = cycle.id = None
        cycle._state.adding = True
        cycle.name = name
        cycle.slug = slugify(name)
        cycle.publish_at = None
        self._move_dates(cycle, exclude={"publish_at"})
        self._move_years(cycle, "Application cycle", exclude={"name"})
        cycle.texts_to_review = []
        cycle.full_clean(exclude=["texts_to_review"])
        cycle.save()
        for field_name, targets in m2m.items():
            getattr(cycle, field_name).set(targets)
        self.copies[(type(self.source), self.source.pk)] = cycle
        self.cycle = cycle
        self._remember(cycle, 0)
        return cycle

    def _slug(self, old):
        base = old.removeprefix(f"{self.source.slug}-")
        return f"{self.cycle.slug}-{base}"[:200]

    def copy_row(self, row):
        model = type(row)
        m2m = {field.name: list(getattr(row, field.name).all()) for field in model._meta.many_to_many}
        old_pk = row.pk
        row.pk = None
        if hasattr(row, "id"):
            row.id = None
        row._state.adding = True
        for field in model._meta.concrete_fields:
            value = getattr(row, field.attname)
            if field.many_to_one and (field.related_model, value) in self.copies:
                setattr(row, field.name, self.copies[(field.related_model, value)])
            elif isinstance(field, models.SlugField) and field.unique and value:
                setattr(row, field.attname, self._slug(value))
        self._move_dates(row)
        start = len(self.to_review)
        self._move_years(row, f"{capfirst(model._meta.verbose_name)} “{row}”")
        row.save()
        self._remember(row, start)
        for field_name, targets in m2m.items():
            field = model._meta.get_field(field_name)
            getattr(row, field_name).set(
                [self.copies.get((field.related_model, target.pk), target) for target in targets]
            )
        self.copies[(model, old_pk)] = row


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
    def interview_days(self):
        """Its interview dates, in order: a list, so that a page can name the first, the last and how many."""
        return list(self.interview_dates.all())

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
