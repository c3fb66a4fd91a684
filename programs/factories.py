import factory
from factory.django import DjangoModelFactory

from .models import Benefit, Link, Pathway, PathwayItem, PathwayLeader, PathwaySection, Person, Program, Track


class ProgramFactory(DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["slug"]

    name = "Example Internal Medicine Residency Program"
    slug = "example"
    short_name = "Example"
    overview = "Residents train on inpatient and outpatient rotations."


class TrackFactory(DjangoModelFactory):
    class Meta:
        model = Track

    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")
    nrmp_number = factory.Sequence(lambda n: f"9{n:06d}C0")
    length_years = 3
    length_label = "3 years in duration"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"person-{n}")
    credentials = "MD"


class PathwayFactory(DjangoModelFactory):
    class Meta:
        model = Pathway

    name = factory.Sequence(lambda n: f"Pathway {n}")
    slug = factory.Sequence(lambda n: f"pathway-{n}")
    kind = Pathway.Kind.RESEARCH
    description = "A pathway for residents."


class PathwayLeaderFactory(DjangoModelFactory):
    class Meta:
        model = PathwayLeader

    pathway = factory.SubFactory(PathwayFactory)
    person = factory.SubFactory(PersonFactory)


class PathwaySectionFactory(DjangoModelFactory):
    class Meta:
        model = PathwaySection

    pathway = factory.SubFactory(PathwayFactory)
    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    body = "What this part of the pathway covers."


class PathwayItemFactory(DjangoModelFactory):
    class Meta:
        model = PathwayItem

    section = factory.SubFactory(PathwaySectionFactory)
    slug = factory.Sequence(lambda n: f"item-{n}")
    text = factory.Sequence(lambda n: f"Goal {n}")


class BenefitFactory(DjangoModelFactory):
    class Meta:
        model = Benefit

    kind = Benefit.Kind.PROVIDED
    slug = factory.Sequence(lambda n: f"benefit-{n}")
    text = factory.Sequence(lambda n: f"Benefit {n}")


class LinkFactory(DjangoModelFactory):
    class Meta:
        model = Link

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"organization-{n}")
    page = Link.Page.APPLY
    url = factory.Sequence(lambda n: f"https://organization-{n}.example.org/")
