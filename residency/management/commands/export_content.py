from django.conf import settings
from django.core.management.base import BaseCommand

from residency import content


class Command(BaseCommand):
    help = "Write the site's current content into fixture files, the same set as fixtures/."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=settings.CONTENT_FIXTURES_DIR,
            help="Folder to write the fixture files into (default: the project's fixtures/).",
        )

    def handle(self, *args, output, **options):
        for path in content.export(output):
            self.stdout.write(f"Wrote {path}")
