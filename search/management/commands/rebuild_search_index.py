from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = "Build the search index afresh from the public pages (it is also rebuilt after every change of content)."

    def handle(self, *args, **options):
        sections = index.rebuild()
        self.stdout.write(f"Search index rebuilt: {sections} sections.")
