import datetime

import reversion
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applications.models import ApplicationCycle


def moment(text):
    """An ISO date-time; without an offset it is Eastern Time."""
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not an ISO date-time such as 2021-06-01T09:00.") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class Command(BaseCommand):
    help = (
        "Publish an application cycle now, or schedule it with --at; the cycle live before it is archived "
        "when it goes live."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="slug of the cycle, e.g. 2021-2022")
        parser.add_argument("--at", type=moment, help="go live at this ISO date-time (Eastern Time unless it says)")

    def handle(self, slug, at, **options):
        try:
            cycle = ApplicationCycle.objects.get(slug=slug)
        except ApplicationCycle.DoesNotExist:
            raise CommandError(f"No cycle has the slug {slug!r}.") from None
        try:
            with reversion.create_revision():
                reversion.set_comment("Scheduled (publish_cycle)" if at else "Published (publish_cycle)")
                cycle.publish(at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        when = f"at {timezone.localtime(at):%Y-%m-%d %H:%M} Eastern Time" if at else "now"
        self.stdout.write(f"{cycle.name} goes live {when}.")
