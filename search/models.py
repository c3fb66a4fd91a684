"""
The search index: the public pages as the search reads them, one row per section, rebuilt from the
rendered pages whenever the content changes (`search.index`). Derived data, not content: it is never
exported, loaded or edited, and `python manage.py rebuild_search_index` makes it afresh.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Section(models.Model):
    """A section of a public page (from its heading to the next), with its text as shown and its search terms."""

    url = models.CharField(max_length=500, unique=True, help_text="The page's address and the section's anchor.")
    page = models.CharField(max_length=300, help_text="The page's heading (its h1).")
    heading = models.CharField(
        max_length=300, help_text="The section's heading; the page's own for its first section."
    )
    text = models.TextField(help_text="The section's text as the page shows it, a line per paragraph.")
    # The terms (search.text) of the heading, the page's heading and the text, each a space-separated run
    # with a space at both ends, so that a whole term or a phrase is found with one LIKE on SQLite.
    heading_terms = models.TextField()
    page_terms = models.TextField()
    text_terms = models.TextField()
    # PostgreSQL: the three runs of terms weighted A, B and D, filled in by the rebuild (empty on SQLite).
    vector = SearchVectorField(null=True)
    order = models.PositiveIntegerField(help_text="Where on the site it comes: pages in the sitemap's order.")

    class Meta:
        ordering = ["order"]
        indexes = [GinIndex(fields=["vector"], name="search_section_vector")]

    def __str__(self):
        return f"{self.heading} ({self.url})"


class Word(models.Model):
    """A word the pages use, as written, with its term: what “did you mean” chooses from."""

    spelling = models.CharField(max_length=100, unique=True)
    term = models.CharField(max_length=100)
    sections = models.PositiveIntegerField(help_text="How many sections use its term.")

    class Meta:
        ordering = ["spelling"]
        indexes = [GinIndex(fields=["spelling"], name="search_word_trigrams", opclasses=["gin_trgm_ops"])]

    def __str__(self):
        return self.spelling


class Build(models.Model):
    """When the index was last built, and from which version of the content (residency.pagecache)."""

    content_version = models.DateTimeField()
    built_at = models.DateTimeField()
    sections = models.PositiveIntegerField(help_text="How many sections it holds.")

    class Meta:
        ordering = ["-built_at"]

    def __str__(self):
        return f"Search index of the content of {self.content_version:%Y-%m-%d %H:%M:%S}"
