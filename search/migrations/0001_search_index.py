# The search index (search.models). PostgreSQL gets pg_trgm, a GIN index on the sections' tsvector and a
# trigram index on the words; SQLite, which has neither, skips those operations.

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from search.operations import PostgreSQLOnly


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        # Django's CreateExtension skips other databases going forwards, but not backwards.
        PostgreSQLOnly(TrigramExtension()),
        migrations.CreateModel(
            name="Build",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("content_version", models.DateTimeField()),
                ("built_at", models.DateTimeField()),
                ("sections", models.PositiveIntegerField(help_text="How many sections it holds.")),
            ],
            options={
                "ordering": ["-built_at"],
            },
        ),
        migrations.CreateModel(
            name="Section",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("url", models.CharField(help_text="The page's address and the section's anchor.", max_length=500, unique=True)),
                ("page", models.CharField(help_text="The page's heading (its h1).", max_length=300)),
                ("heading", models.CharField(help_text="The section's heading; the page's own for its first section.", max_length=300)),
                ("text", models.TextField(help_text="The section's text as the page shows it, a line per paragraph.")),
                ("heading_terms", models.TextField()),
                ("page_terms", models.TextField()),
                ("text_terms", models.TextField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("order", models.PositiveIntegerField(help_text="Where on the site it comes: pages in the sitemap's order.")),
            ],
            options={
                "ordering": ["order"],
            },
        ),
        migrations.CreateModel(
            name="Word",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("spelling", models.CharField(max_length=100, unique=True)),
                ("term", models.CharField(max_length=100)),
                ("sections", models.PositiveIntegerField(help_text="How many sections use its term.")),
            ],
            options={
                "ordering": ["spelling"],
            },
        ),
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="section",
                index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_section_vector"),
            )
        ),
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="word",
                index=django.contrib.postgres.indexes.GinIndex(
                    fields=["spelling"], name="search_word_trigrams", opclasses=["gin_trgm_ops"]
                ),
            )
        ),
    ]
