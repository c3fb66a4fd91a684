import reversion
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from applications.models import ApplicationCycle


class Command(BaseCommand):
    help = (
        "Copy an application cycle and everything of its year into a new draft cycle, every date moved on "
        "(52 weeks unless --weeks says otherwise) and the years in its texts moved on and listed for review."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="slug of the cycle to copy, e.g. 2020-2021")
        parser.add_argument("--name", required=True, help="name of the new cycle, e.g. 2021-2022; its slug follows")
        parser.add_argument("--weeks", type=int, default=52, help="weeks every date moves on (default 52)")

    def handle(self, source, name, weeks, **options):
        try:
            cycle = ApplicationCycle.objects.get(slug=source)
        except ApplicationCycle.DoesNotExist:
            raise CommandError(f"No cycle has the slug {source!r}.") from None
        if ApplicationCycle.objects.named(name).exists():
            raise CommandError(f"A cycle named {name!r} (or with the slug {slugify(name)!r}) exists already.")
        try:
            with reversion.create_revision():
                reversion.set_comment(f"Copied from {cycle.name} (copy_cycle)")
                copy = cycle.copy(name, weeks=weeks)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Copied {cycle.name} to the draft {copy.name} ({copy.slug}), dates moved {weeks} weeks on.")
        for item in copy.review_items():
            self.stdout.write(f"  to review: {item['label']}")
