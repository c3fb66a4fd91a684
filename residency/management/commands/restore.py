from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from residency import backups


class Command(BaseCommand):
    help = (
        "Replace the database with a backup (the newest in BACKUP_DIR, or the one named) and put back its "
        "media files. README: Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", nargs="?", help="A backup's file name in BACKUP_DIR, or its path.")
        parser.add_argument(
            "--list", action="store_true", dest="list_only", help="List the backups, newest first; restore nothing."
        )
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, backup, list_only, interactive, **options):
        try:
            if list_only:
                for path in reversed(backups.backups()):
                    manifest = backups.read_manifest(path)
                    self.stdout.write(f"{path.name}  {manifest['engine']}  {path.stat().st_size:,} bytes")
                return
            path = backups.find(backup)
            manifest = backups.read_manifest(path)
            database = settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]
            self.stdout.write(f"Backup {path.name}, made {manifest['created_at']} ({manifest['engine']}).")
            if interactive:
                answer = input(f"This replaces everything in the database {database}. Type 'yes' to go on: ")
                if answer.strip() != "yes":
                    raise CommandError("Nothing was restored.")
            backups.restore(path)
        except backups.BackupError as error:
            raise CommandError(f"Nothing was restored: {error}") from None
        self.stdout.write(
            f"Restored {database} from {path.name}"
            + (" and put back its media files" if manifest["media"] else "")
            + ". Reload the site (systemctl reload residency) so every process opens it afresh, and run "
            "`python manage.py migrate` if the backup is older than the code."
        )
