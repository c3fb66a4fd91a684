from django.db import models
from django.urls import reverse

from programs.models import Track
from residency.fields import WebAddressField
from residency.models import NameSlugModel, PhotoModel, SlugQuerySet


class PracticeQuerySet(SlugQuerySet):
    def with_tracks(self):
        return self.prefetch_related("tracks")

    def for_track(self, track):
        """The clinics where residents of `track` train."""
        return self.filter(tracks=track)

    def served_tracks(self):
        """The tracks whose residents train at these clinics, each once."""
        return Track.objects.filter(practices__in=self).distinct()


class Practice(NameSlugModel, PhotoModel):
    """A continuity practice site where residents hold their weekly clinic."""

    abbreviation = models.CharField(max_length=20, blank=True, help_text="Short form, e.g. BMG.")
    is_health_center = models.BooleanField(
        "community health center",
        default=False,
        help_text="Tick for the community health centers, which are listed together on the sites page.",
    )
    tracks = models.ManyToManyField(Track, related_name="practices", help_text="Tracks whose residents train here.")
    residents_label = models.CharField(
        max_length=50,
        default="Residents Placed",
        help_text="Wording before the number of residents, e.g. “Residents Placed” or “Residents”.",
    )
    residents_min = models.PositiveSmallIntegerField(
        "fewest residents", help_text="Lower end of the number of residents, e.g. 2 for “2-10”."
    )
    residents_max = models.PositiveSmallIntegerField(
        "most residents",
        null=True,
        blank=True,
        help_text="Upper end, e.g. 10 for “2-10”. Same as the fewest for an exact number; blank for “20+”.",
    )
    town = models.CharField(
        "town or neighborhood",
        max_length=100,
        blank=True,
        help_text="Where it is, as its name or description says, e.g. “Revere”. Blank where neither says.",
    )
    distance = models.CharField(
        "distance from the main campus",
        max_length=200,
        blank=True,
        help_text=(
            "In the description's words, e.g. “1.3 miles from the Mass General campus” or "
            "“On the Mass General main campus”. Blank where it does not say."
        ),
    )
    description = models.TextField(help_text="A blank line starts a new paragraph.")
    url = WebAddressField(
        "web address",
        blank=True,
        help_text="The clinic's own page, which its page on this site links to, e.g. https://www.example.org/clinic.",
    )

    objects = PracticeQuerySet.as_manager()

    class Meta(NameSlugModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=models.Q(residents_max__isnull=True)
                | models.Q(residents_max__gte=models.F("residents_min")),
                name="practice_residents_range",
                violation_error_message="The most residents cannot be fewer than the fewest.",
            )
        ]

    def get_absolute_url(self):
        return reverse("sites:practice_detail", args=[self.slug])

    @property
    def residents_display(self):
        """The number of residents as the program shows it: “2-10”, “20+” or “60”."""
        if self.residents_max is None:
            return f"{self.residents_min}+"
        if self.residents_max == self.residents_min:
            return str(self.residents_min)
        return f"{self.residents_min}-{self.residents_max}"
