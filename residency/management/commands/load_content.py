from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from residency import content


class Command(BaseCommand):
    help = "Load the site's content from the fixtures, in one transaction; loading twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            default=settings.CONTENT_FIXTURES_DIR,
            help="Folder holding the fixture files (default: the project's fixtures/).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database that has no content yet (for start-up scripts).",
        )

    def handle(self, *args, fixtures, if_empty, **options):
        if if_empty and content.has_content():
            self.stdout.write("The database already has content; nothing loaded.")
            return
        try:
            count = content.load(fixtures)
        except content.ContentError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} objects from {fixtures}."))
