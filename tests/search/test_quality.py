"""
How often the search puts the right page in its first three results, for what applicants type:
typos of track names, visa codes, numbers, dates, people, places and names of things. The queries
are made from the stored content, so renaming it changes the queries, not the test.
"""

import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.timezone import localtime

from applications.models import ApplicationCycle, InterviewDate
from curriculum.models import Conference, ElectiveCategory
from programs.models import Person, Track
from search import engine
from sites.models import Practice

pytestmark = [pytest.mark.django_db, pytest.mark.content]

# The share of queries whose right page must be among the first three results.
MIN_HIT_RATE = 0.9
KINDS = {"typo", "visa code", "number", "date", "person", "place", "name"}
CODE = re.compile(r"\b[A-Z]{1,3}-\d[A-Z]?\b")


@dataclass
class Case:
    kind: str
    query: str
    pages: set  # any of these pages (paths, without anchors) is right


def typo(word):
    """`word` with one letter in its middle changed, as a hurried typist would."""
    middle = len(word) // 2
    while not word[middle].isalpha():
        middle -= 1
    letter = word[middle].lower()
    swap = "e" if letter != "e" else "a"
    return word[:middle] + swap + word[middle + 1 :]


def applicant_queries():
    cycle = ApplicationCycle.objects.live()
    apply, graduates = reverse("applications:apply"), reverse("applications:graduates")
    interviews = reverse("applications:interviews")
    for track in Track.objects.all():
        longest = max(track.name.split(), key=len)
        yield Case("typo", track.name.replace(longest, typo(longest)), {track.get_absolute_url()})
    codes = {found for requirement in cycle.graduate_requirements.all() for found in CODE.findall(requirement.text)}
    for code in sorted(codes):
        yield Case("visa code", code.replace("-", "").lower(), {graduates})
        yield Case("visa code", code, {graduates})
    yield Case("number", f"{cycle.applications_per_year:,} applications", {graduates})
    yield Case("number", f"{cycle.residents_total} residents", {graduates})
    yield Case("date", "deadline", {apply, reverse("overview:home")})
    yield Case("date", date_format(localtime(cycle.deadline), "F j"), {apply, reverse("overview:home")})
    for interview in InterviewDate.objects.filter(track_application__cycle=cycle).select_related(
        "track_application__track"
    )[:5]:
        tracks = {
            other.track_application.track.get_absolute_url()
            for other in InterviewDate.objects.filter(date=interview.date).select_related("track_application__track")
        }
        yield Case("date", date_format(interview.date, "F j"), {interviews, *tracks})
    for person in Person.objects.prefetch_related("leaderships__pathway"):
        pathways = {leadership.pathway.get_absolute_url() for leadership in person.leaderships.all()}
        kinds = {leadership.pathway.get_kind_url() for leadership in person.leaderships.all()}
        if pathways:
            yield Case("person", person.name, pathways | kinds)
            yield Case("person", person.name.split()[-1], pathways | kinds)
    practices = list(Practice.objects.all())
    for practice in practices:
        yield Case("place", practice.name, {practice.get_absolute_url()})
        if practice.abbreviation:
            yield Case("place", practice.abbreviation, {practice.get_absolute_url()})
        others = " ".join(other.name for other in practices if other != practice).lower()
        for word in re.findall(r"[A-Za-z]{5,}", practice.name):
            if word.lower() not in others:
                yield Case("place", word, {practice.get_absolute_url()})
    for conference in Conference.objects.all():
        yield Case("name", conference.name, {conference.get_absolute_url()})
    for category in ElectiveCategory.objects.all():
        yield Case("name", category.name, {reverse("curriculum:elective_list")})


def test_applicant_queries_find_the_right_page_in_the_first_three():
    cases = list(applicant_queries())
    misses = []
    for case in cases:
        found = [result.url.split("#")[0] for result in engine.search(engine.normalise(case.query)).results[:3]]
        if not case.pages & set(found):
            misses.append((case.kind, case.query, sorted(case.pages), found))
    hits = len(cases) - len(misses)
    print(f"\nSearch, top-3 hit rate on {connection.vendor}: {hits}/{len(cases)} = {hits / len(cases):.0%}")
    for miss in misses:
        print("  missed:", *miss)
    assert {case.kind for case in cases} == KINDS, "every kind of query is made from the content"
    assert hits / len(cases) >= MIN_HIT_RATE, misses
