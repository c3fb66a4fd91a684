"""
A rebrand, as a coordinator could make one: every track, clinic, conference and elective renamed (names,
slugs, NRMP numbers), and the program too. Run on a copy of the repository, it rewrites that copy's
fixtures/, on which `make test` must still pass: the proof that no test depends on this year's words.

    .venv/bin/python -m tests.rebrand [FOLDER]     # FOLDER: fixtures/ unless given

It loads FOLDER into a database of its own (a temporary SQLite file), renames, and exports into FOLDER.
"""

import os
import sys
import tempfile
from pathlib import Path


def rebrand():
    """Rename the program, and every track, clinic, conference and elective, in the database."""
    from curriculum.models import Conference, Elective
    from programs.models import Program, Track
    from sites.models import Practice

    for model in (Program, Track, Practice, Conference, Elective):
        # First out of the way, so that a new slug never meets an old one (a rebrand run twice).
        for pk in model._default_manager.values_list("pk", flat=True):
            model._default_manager.filter(pk=pk).update(slug=f"being-renamed-{pk}")
    for number, program in enumerate(Program.objects.order_by("pk"), start=1):
        program.name = f"Rebranded Residency Program {number}"
        program.slug = f"rebranded-program-{number}"
        program.short_name = f"Rebranded {number}"
        program.hospital = f"Rebranded Hospital {number}"
        program.save()
    for model, noun in ((Track, "track"), (Practice, "clinic"), (Conference, "conference"), (Elective, "elective")):
        for number, obj in enumerate(model._default_manager.order_by("pk"), start=1):
            obj.name = f"Rebranded {noun} {number}"
            obj.slug = f"rebranded-{noun}-{number}"
            if getattr(obj, "nrmp_number", ""):
                # Another program's code (seven digits, derived: a number written here would be the
                # rebranded content's own); the track's kind, a letter, and its digit are kept.
                code = (int(obj.nrmp_number[:7]) + 1) % 10**7
                obj.nrmp_number = f"{code:07d}{obj.nrmp_number[7:]}"
            obj.save()


def main(folder):
    """Load `folder` into a database of its own, rebrand, and export the content back into `folder`."""
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'rebrand.sqlite3'}"
        import django
        from django.core.management import call_command

        django.setup()
        from django.db import transaction

        from residency import content, pagecache

        call_command("migrate", "--noinput", verbosity=0)
        content.load(folder)
        # One change, as a load is (the pages' version moves once): the search index is rebuilt once, not per save.
        with pagecache.one_change(), transaction.atomic():
            rebrand()
            pagecache.content_changed()
        for path in content.export(folder):
            print(f"Rebranded {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "fixtures")
