import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from residency.fields import WebAddressField
from residency.models import ListItemModel, NameSlugModel, OrderedModel, PhotoModel, SlugQuerySet


class ProgramQuerySet(SlugQuerySet):
    def current(self):
        """The program this site publishes: the first one, by order."""
        return self.order_by("order", "slug").first()

    def current_only(self):
        """The program this site publishes, as a one-row queryset to filter by in the same query."""
        return self.filter(pk__in=self.order_by("order", "slug").values("pk")[:1])


class Program(NameSlugModel, PhotoModel):
    """The residency program this site publishes, with the text that introduces each section."""

    short_name = models.CharField(max_length=100, help_text="Name used in running text, e.g. “Mass General”.")
    overview = models.TextField(
        help_text="The home page: how training is structured. A blank line starts a new paragraph."
    )
    sites_intro = models.TextField("continuity practice sites introduction", blank=True)
    health_centers_intro = models.TextField("community health centers introduction", blank=True)
    electives_intro = models.TextField("electives introduction", blank=True)
    conferences_intro = models.TextField("conferences introduction", blank=True)
    research_intro = models.TextField("research introduction", blank=True)
    benefits_intro = models.TextField("benefits introduction", blank=True)
    appointment = models.TextField(blank=True, help_text="How residents are appointed, shown with the benefits.")
    hospital = models.CharField(
        max_length=200,
        blank=True,
        help_text="The hospital that runs the program, e.g. “Massachusetts General Hospital”.",
    )
    hospital_url = WebAddressField("hospital's home page", blank=True, help_text="Its official home page, if known.")
    # What applicants look for; empty until the program gives it, and shown only when filled.
    contact_email = models.EmailField("contact email", blank=True, help_text="Where applicants write with questions.")
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)
    contact_address = models.TextField("contact address", blank=True, help_text="The program office's postal address.")
    salary = models.TextField(
        "salary by PGY year",
        blank=True,
        help_text="One line per year, e.g. “PGY-1: $70,000”. Shown with the benefits.",
    )
    leave = models.TextField("leave", blank=True, help_text="Vacation and parental leave. Shown with the benefits.")
    visa_policy = models.TextField(
        "visa sponsorship policy",
        blank=True,
        help_text="Which visas the program sponsors (J-1, H-1B). Shown to international graduates.",
    )
    graduate_outcomes = models.TextField(
        "where graduates went",
        blank=True,
        help_text="Fellowships, practice and careers of recent graduates. Shown on the tracks page.",
    )

    # The applicant facts above, in the order the content report lists them.
    APPLICANT_FACTS = [
        "contact_email",
        "contact_phone",
        "contact_address",
        "salary",
        "leave",
        "visa_policy",
        "graduate_outcomes",
    ]

    objects = ProgramQuerySet.as_manager()

    # get_absolute_url (the home page, drawn by overview) comes from settings.ABSOLUTE_URL_OVERRIDES.

    @staticmethod
    def schema_org_id(site_url):
        """The hospital's identifier in the site's structured data, for other nodes to refer to."""
        return f"{site_url}/#hospital"

    def schema_org(self, site_url):
        """The hospital as schema.org describes it, the publisher of every page and provider of every track."""
        node = {"@type": "Hospital", "@id": self.schema_org_id(site_url), "name": self.hospital or self.name}
        if self.hospital_url:
            node["url"] = self.hospital_url
        return node


class TrackQuerySet(SlugQuerySet):
    def in_match(self):
        """Tracks with their own NRMP number, as listed for Match participation."""
        return self.exclude(nrmp_number="")


# An NRMP program code: seven digits, a letter for the track's kind, a digit (e.g. 1261140C0).
NRMP_NUMBER = re.compile(r"\d{7}[A-Z]\d")


class Track(NameSlugModel, PhotoModel):
    """A training track of the program, such as Categorical or Primary Care."""

    nrmp_number = models.CharField(
        "NRMP number",
        max_length=20,
        blank=True,
        help_text="Program code used in the Match, e.g. 1261140C0. Leave blank for a track without its own.",
    )
    length_years = models.PositiveSmallIntegerField(
        "length in years", null=True, blank=True, help_text="Length of training, to filter and compare."
    )
    length_label = models.CharField(
        "length as shown",
        max_length=200,
        blank=True,
        help_text="How the length is worded on the page, e.g. “3 years in duration”.",
    )
    match_via = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="matched through",
        help_text="For a track without its own NRMP number: the track whose number applicants rank in the Match.",
    )
    summary = models.TextField(blank=True, help_text="What the track is. A blank line starts a new paragraph.")
    pathway = models.ForeignKey(
        "Pathway",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracks",
        help_text="The research or leadership pathway of the same name, if any: the two pages link to each other.",
    )

    objects = TrackQuerySet.as_manager()

    class Meta(NameSlugModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["nrmp_number"],
                condition=~models.Q(nrmp_number=""),
                name="track_unique_nrmp_number",
            )
        ]

    # get_absolute_url comes from settings.ABSOLUTE_URL_OVERRIDES: a track's page shows its clinics and how to
    # apply to it, so the app that joins those (overview) draws it, and this app does not depend on that one.

    def clean_fields(self, exclude=None):
        # As typed or pasted (" 1261140c0 "), the number is the same one: trimmed and upper-cased first.
        self.nrmp_number = (self.nrmp_number or "").strip().upper()
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.nrmp_number and not NRMP_NUMBER.fullmatch(self.nrmp_number):
            raise ValidationError(
                {
                    "nrmp_number": f"“{self.nrmp_number}” is not an NRMP number: it has seven digits, a letter "
                    "and a digit, e.g. 1261140C0."
                },
                code="invalid",
            )

    def validate_constraints(self, exclude=None):
        # The unique NRMP number is checked here, whatever its case, so its message sits on the field.
        if self.nrmp_number and "nrmp_number" not in (exclude or ()):
            taken = type(self)._default_manager.filter(nrmp_number__iexact=self.nrmp_number).exclude(pk=self.pk)
            if taken.exists():
                raise ValidationError(
                    {"nrmp_number": f"Another track already has NRMP number {self.nrmp_number}."}, code="unique"
                )
        super().validate_constraints(exclude=exclude)

    def save(self, *args, **kwargs):
        self.nrmp_number = (self.nrmp_number or "").strip().upper()
        super().save(*args, **kwargs)

    def schema_org(self, site_url):
        """The track as a schema.org EducationalOccupationalProgram, provided by the hospital."""
        url = site_url + self.get_absolute_url()
        node = {"@type": "EducationalOccupationalProgram", "@id": f"{url}#program", "name": self.name, "url": url}
        if self.nrmp_number:
            node["identifier"] = {"@type": "PropertyValue", "propertyID": "NRMP", "value": self.nrmp_number}
        if self.length_years:
            node["timeToComplete"] = f"P{self.length_years}Y"
        node["provider"] = {"@id": Program.schema_org_id(site_url)}
        return node


class Person(NameSlugModel):
    """A physician who leads a pathway."""

    credentials = models.CharField(max_length=100, blank=True, help_text="Degrees as shown, e.g. “MD, PhD”.")

    class Meta(NameSlugModel.Meta):
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class PathwayQuerySet(SlugQuerySet):
    def with_content(self):
        """Everything a pathway page shows, fetched in a fixed number of queries."""
        return self.prefetch_related(
            models.Prefetch("leaderships", PathwayLeader.objects.select_related("person")),
            models.Prefetch("sections", PathwaySection.objects.prefetch_related("items")),
            "tracks",
        )


class Pathway(NameSlugModel):
    """A research or leadership pathway, such as the Stanbury Physician-Scientist Pathway."""

    class Kind(models.TextChoices):
        RESEARCH = "research", "Research"
        LEADERSHIP = "leadership", "Leadership"

        def url_name(self):
            return f"programs:{self.value}"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(help_text="A blank line starts a new paragraph.")

    objects = PathwayQuerySet.as_manager()

    def get_absolute_url(self):
        return reverse("programs:pathway_detail", args=[self.slug])

    def get_kind_url(self):
        return reverse(self.Kind(self.kind).url_name())


class PathwayLeader(OrderedModel):
    """A person leading a pathway, in the order the page names them."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="leaderships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="leaderships")

    class Manager(models.Manager):
        def get_by_natural_key(self, pathway_slug, person_slug):
            return self.get(pathway__slug=pathway_slug, person__slug=person_slug)

    objects = Manager()

    class Meta:
        ordering = ["order", "person__slug"]
        constraints = [models.UniqueConstraint(fields=["pathway", "person"], name="pathway_leader_unique")]

    def __str__(self):
        return f"{self.person} leads {self.pathway}"

    def natural_key(self):
        return (self.pathway.slug, self.person.slug)

    natural_key.dependencies = ["programs.pathway", "programs.person"]


class PathwaySection(NameSlugModel):
    """A headed part of a pathway page, with its text and an optional list."""

    class ListStyle(models.TextChoices):
        BULLETED = "bulleted", "Bulleted"
        NUMBERED = "numbered", "Numbered"

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="sections")
    body = models.TextField(blank=True, help_text="Text before the list. A blank line starts a new paragraph.")
    list_style = models.CharField(max_length=20, choices=ListStyle.choices, default=ListStyle.BULLETED)
    closing = models.TextField(blank=True, help_text="Text after the list, if any.")


class PathwayItem(ListItemModel):
    """One entry in a pathway section's list, such as a goal or a key concept."""

    section = models.ForeignKey(PathwaySection, on_delete=models.CASCADE, related_name="items")
    url = WebAddressField(
        "address",
        blank=True,
        help_text="For a resource: its official home page, which the entry links to. Leave blank if there is none.",
    )


class Benefit(ListItemModel):
    """A benefit every resident receives or has access to."""

    class Kind(models.TextChoices):
        PROVIDED = "provided", "Provided to each resident"
        ACCESS = "access", "Full access for each resident"

    kind = models.CharField(max_length=20, choices=Kind.choices)


class Link(NameSlugModel):
    """An organization or resource the pages name, linked to its official home page (blank where none is known)."""

    class Page(models.TextChoices):
        APPLY = "apply", "How to apply"
        GRADUATES = "graduates", "International graduates"

    page = models.CharField(max_length=20, choices=Page.choices, help_text="The page whose related links list it.")
    url = WebAddressField(
        "address",
        blank=True,
        help_text="The organization's official home page. Leave blank if there is none; the name then shows unlinked.",
    )
