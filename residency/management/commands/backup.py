from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from residency import backups


class Command(BaseCommand):
    help = (
        "Back up the database (accounts, history, drafts) and MEDIA_ROOT's files into one file in BACKUP_DIR; "
        "then keep the newest BACKUP_KEEP backups. README: Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help=f"How many backups to keep, the newest (default BACKUP_KEEP, {settings.BACKUP_KEEP}; 0 keeps all).",
        )

    def handle(self, *args, keep, **options):
        if keep < 0:
            raise CommandError("--keep is a number of backups, 0 or more")
        try:
            path = backups.create(keep=keep)
        except backups.BackupError as error:
            raise CommandError(f"No backup was made: {error}") from None
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes)")
