"""
The search index holds every section of every public page and follows the content: a committed
change, a load, a migration, a scheduled publication. It is derived data, never content.
"""

import datetime
import io
import json
import re

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from applications import preview
from applications.factories import ApplicationCycleFactory, InterviewDateFactory, TrackApplicationFactory
from applications.models import ApplicationCycle, InterviewDate
from residency import content, pagecache
from residency.content import content_models
from search import engine, index
from search.models import Build, Section
from sites.factories import PracticeFactory
from sites.models import Practice
from tests.crawl import normalize

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:results")


def indexed_text():
    index.ensure_current()
    return normalize("\n".join(Section.objects.values_list("text", flat=True)))


def test_each_section_links_to_an_anchor_its_page_has(client):
    index.ensure_current()
    pages = {}
    for url in Section.objects.values_list("url", flat=True):
        path, _, anchor = url.partition("#")
        if path not in pages:
            pages[path] = client.get(path).text
        if anchor:
            assert f'id="{anchor}"' in pages[path], url
    assert len(pages) > 1


def test_every_paragraph_a_page_shows_of_a_clinic_and_every_key_and_interview_date_is_indexed():
    cycle = ApplicationCycleFactory()
    InterviewDateFactory(
        track_application=TrackApplicationFactory(cycle=cycle), date=cycle.season[0] + datetime.timedelta(days=60)
    )
    PracticeFactory(description="First paragraph of a clinic.\n\nSecond, about Quillback.")
    text = indexed_text()
    for practice in Practice.objects.all():
        for paragraph in practice.description.split("\n\n"):
            assert normalize(paragraph) in text, practice
    live = ApplicationCycle.objects.live()
    for day in (timezone.localtime(live.deadline), live.invitations_by, live.step2_deadline):
        assert date_format(day, "F j, Y") in text
    for interview in InterviewDate.objects.filter(track_application__cycle=live):
        assert interview.label in text


def test_a_committed_change_of_content_is_indexed_without_a_search(django_capture_on_commit_callbacks):
    index.ensure_current()
    with django_capture_on_commit_callbacks(execute=True):
        practice = PracticeFactory(description="Quillback rounds on Tuesdays.")
    assert Section.objects.filter(url=practice.get_absolute_url(), text__contains="Quillback").exists()
    with django_capture_on_commit_callbacks(execute=True):
        practice.delete()
    assert not Section.objects.filter(text__contains="Quillback").exists()
    assert Build.objects.get().content_version == pagecache.current_version()


def test_a_change_saved_in_a_request_is_indexed_by_the_next_search_not_during_the_save(
    client, django_capture_on_commit_callbacks
):
    index.ensure_current()
    index.on_request_started(sender=None)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            practice = PracticeFactory(name="Quillback Clinic")
        # The coordinator's save does not wait for every page to render.
        assert not Section.objects.filter(text__contains="Quillback").exists()
    finally:
        index.on_request_finished(sender=None)
    assert practice.get_absolute_url() in client.get(SEARCH, {"q": "quillback"}).text


def test_load_content_leaves_the_index_current(tmp_path, django_capture_on_commit_callbacks):
    content.export(tmp_path)
    path = tmp_path / "sites.json"
    objects = json.loads(path.read_text())
    clinic = next(obj for obj in objects if obj["model"] == "sites.practice")
    clinic["fields"]["description"] += "\n\nNow with a Quillback garden."
    path.write_text(json.dumps(objects))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_content", "--fixtures", str(tmp_path), stdout=io.StringIO())
    assert Section.objects.filter(text__contains="Quillback garden").exists()
    assert Build.objects.get().content_version == pagecache.current_version()


def test_the_index_is_built_after_migrate_and_by_its_command():
    Section.objects.all().delete()
    Build.objects.all().delete()
    index.forget()
    index.rebuild_after_migrate(sender=apps.get_app_config("search"), using="default", apps=apps)
    count = Section.objects.count()
    assert count > 1 and Build.objects.get().sections == count
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert f"{Section.objects.count()} sections" in out.getvalue()


def test_a_staff_members_preview_never_reaches_the_shared_index():
    draft = ApplicationCycleFactory(publish_at=None, eras_intro="The Quillback draft process.")
    token = preview.previewing(draft)
    try:
        index.rebuild()
    finally:
        preview.stop(token)
    assert not Section.objects.filter(text__contains="Quillback").exists()
    live = ApplicationCycle.objects.live()
    assert Section.objects.filter(text__contains=normalize(live.eras_intro.split("\n\n")[0])).exists()


def test_a_cycle_published_on_schedule_is_searchable_from_that_moment(client):
    at = timezone.now() + datetime.timedelta(hours=1)
    ApplicationCycleFactory(publish_at=at, eras_intro="The Quillbackian process.")
    assert "search-results" not in client.get(SEARCH, {"q": "quillbackian"}).text
    with time_machine.travel(at + datetime.timedelta(seconds=1)):
        response = client.get(SEARCH, {"q": "quillbackian"})
    assert re.search(rf'<a href="{reverse("applications:apply")}[#"]', response.text)


def test_a_search_answers_from_the_stored_index_when_it_cannot_be_rebuilt(client, monkeypatch, caplog):
    PracticeFactory(name="Quillback Clinic")
    client.get(SEARCH, {"q": "quillback"})

    def broken(path):
        raise RuntimeError("a page failed to render")

    monkeypatch.setattr(index, "render", broken)
    practice = PracticeFactory(name="Quillback Annex")
    response = client.get(SEARCH, {"q": "quillback"})
    assert response.status_code == 200
    assert "Quillback Clinic" in response.text and practice.name not in response.text
    assert "could not be rebuilt" in caplog.text


def test_the_index_is_not_content():
    labels = {model._meta.label for model in content_models()}
    assert not labels & {model._meta.label for model in apps.get_app_config("search").get_models()}
    assert apps.get_app_config("search").content is False


def test_a_page_is_cut_into_sections_at_its_anchored_headings_leaving_out_navigation_and_forms():
    html = (
        "<body><nav>Menu Home</nav><main><h1>Clinic</h1><nav>On this page</nav><p>Intro.</p>"
        '<h2 id="where">Where</h2><dl><dt>Town</dt><dd>Chelsea</dd></dl><h3>Unanchored</h3><p>Still here.</p>'
        "<table><tr><th>Day</th><td>Monday</td></tr></table><form><label>Track</label><select><option>A</option>"
        f'</select><button>Go</button></form><h2 id="long">{"Long " * 100}</h2><p hidden>Hidden.</p></main>'
        "<footer>Contact</footer></body>"
    )
    rows = index.page_sections("/clinic/", html)
    assert [(row.url, row.heading, row.text) for row in rows[:2]] == [
        ("/clinic/", "Clinic", "Intro."),
        ("/clinic/#where", "Where", "Town: Chelsea\nUnanchored\nStill here.\nDay · Monday"),
    ]
    assert rows[2].url == "/clinic/#long" and len(rows[2].heading) == Section._meta.get_field("heading").max_length
    assert rows[2].text == "" and all(row.page == "Clinic" for row in rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_a_searchs_query_can_find_the_sections_through_the_gin_index():
    # At this size a sequential scan is cheaper; with it ruled out, the plan must use the index, as it
    # will when the sections are many.
    index.ensure_current()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {engine._MATCHING_SQL}", ["('resid') & ('rotat')", "('resid') | ('rotat')", 60])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "search_section_vector" in plan, plan
