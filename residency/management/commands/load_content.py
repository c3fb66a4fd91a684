from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from residency import content


class Command(BaseCommand):
    help = (
        "Make the site's content exactly what the fixtures hold (adding, changing and deleting), "
        "in one transaction; loading twice changes nothing. Stops, changing nothing, if that would throw "
        "away objects created or changed since the last export or load, unless --discard-unexported."
    )

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
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be added, changed and deleted, and change nothing.",
        )
        parser.add_argument(
            "--discard-unexported",
            action="store_true",
            help="Load even if that throws away objects created or changed (in admin) since the last export or load.",
        )

    def handle(self, *args, fixtures, if_empty, dry_run, discard_unexported, **options):
        if if_empty and content.has_content():
            self.stdout.write("The database already has content; nothing loaded.")
            return
        try:
            summary = content.load(fixtures, dry_run=dry_run, discard_unexported=discard_unexported)
        except content.ContentError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        if options["verbosity"] > 1:
            for verb, keys in [("add", summary.added), ("change", summary.changed), ("delete", summary.deleted)]:
                for label, key in keys:
                    self.stdout.write(f"  {verb} {label} {'/'.join(key)}")
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed. Loading {fixtures} would give: {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {fixtures}: {summary}."))
