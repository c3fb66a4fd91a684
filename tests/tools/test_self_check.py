"""The international graduates' self-check answers each stored requirement, quoting it, and stores nothing."""

import datetime
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from applications.eligibility import Result, answer
from applications.factories import ApplicationCycleFactory, GraduateRequirementFactory
from applications.models import ApplicationCycle, GraduateRequirement

pytestmark = pytest.mark.django_db

CHECK = reverse("applications:graduate_check")


def requirements(cycle):
    return list(GraduateRequirement.objects.filter(cycle=cycle, parent=None).prefetch_related("children"))


def results(cycle, **data):
    found = {}
    for top in answer(requirements(cycle), data):
        found[top.requirement.slug] = top.result
        found.update({child.requirement.slug: child.result for child in top.children})
    return found


@pytest.fixture
def cycle():
    return ApplicationCycleFactory()


def test_scores_are_checked_against_the_number_in_the_requirements_own_words(cycle):
    usmle = GraduateRequirementFactory(cycle=cycle, slug="next-usmle", text="USMLE")
    scores = GraduateRequirementFactory(
        cycle=cycle, parent=usmle, slug="next-usmle-scores", text="Scores of 240 or higher"
    )
    assert results(cycle, step1=245, step2=241)["next-usmle-scores"] == Result.MET
    assert results(cycle, step1=245)["next-usmle-scores"] == Result.CANT_TELL
    scores.text = "Scores of 250 or higher on Step 1 and Step 2"
    scores.save()
    assert results(cycle, step1=245, step2=241)["next-usmle-scores"] == Result.NOT_MET
    assert results(cycle, step1=250, step2=260)["next-usmle-scores"] == Result.MET
    # A group's verdict is its children's.
    assert results(cycle)["next-usmle"] is None


def test_certification_is_checked_against_the_requirements_date(cycle):
    requirement = GraduateRequirementFactory(
        cycle=cycle, slug="next-ecfmg-certification", date=datetime.date(2031, 1, 1)
    )
    early, late = datetime.date(2030, 12, 1), datetime.date(2031, 2, 1)
    assert results(cycle, ecfmg="certified", ecfmg_date=early)["next-ecfmg-certification"] == Result.MET
    assert results(cycle, ecfmg="certified", ecfmg_date=late)["next-ecfmg-certification"] == Result.NOT_MET
    assert results(cycle, ecfmg="pending", ecfmg_date=early)["next-ecfmg-certification"] == Result.CANT_TELL
    assert results(cycle, ecfmg="certified")["next-ecfmg-certification"] == Result.CANT_TELL
    requirement.date = datetime.date(2030, 11, 1)
    requirement.save()
    assert results(cycle, ecfmg="certified", ecfmg_date=early)["next-ecfmg-certification"] == Result.NOT_MET


def test_step_3_matters_only_to_those_seeking_h1b(cycle):
    GraduateRequirementFactory(cycle=cycle, slug="next-usmle-step-3-h-1b", text="H-1B seekers must pass Step 3")
    assert results(cycle, visa="h1b", step3="no")["next-usmle-step-3-h-1b"] == Result.NOT_MET
    assert results(cycle, visa="h1b", step3="yes")["next-usmle-step-3-h-1b"] == Result.MET
    assert results(cycle, visa="j1")["next-usmle-step-3-h-1b"] == Result.MET
    assert results(cycle)["next-usmle-step-3-h-1b"] == Result.CANT_TELL


def test_a_requirement_the_check_does_not_know_is_answered_cant_tell(cycle):
    GraduateRequirementFactory(cycle=cycle, slug="next-new-rule", text="A rule added in admin")
    assert results(cycle, step1=300, step2=300, visa="j1")["next-new-rule"] == Result.CANT_TELL


def test_the_page_quotes_every_stored_requirement_and_says_it_is_guidance_only(client):
    cycle = ApplicationCycle.objects.current()
    response = client.get(CHECK, {"degree": "international", "step1": "255", "step2": "260", "visa": "j1"})
    assert response.status_code == HTTPStatus.OK
    assert "Guidance only" in response.text
    for requirement in GraduateRequirement.objects.filter(cycle=cycle):
        assert escape(requirement.text) in response.text
    verdicts = response.text.count('class="verdict verdict-')
    assert verdicts == GraduateRequirement.objects.filter(cycle=cycle, children__isnull=True).count()


def test_answers_are_stored_nowhere_not_even_in_a_cache(client):
    with CaptureQueriesContext(connection) as queries:
        first = client.get(CHECK, {"step1": "200", "step2": "200"})
    assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not first.cookies
    assert "no-store" in first["Cache-Control"]
    second = client.get(CHECK, {"step1": "290", "step2": "290"})
    assert first.content != second.content
    # The empty form is an ordinary cached page.
    assert "no-store" not in client.get(CHECK).get("Cache-Control", "")


def test_what_cannot_be_read_is_shown_next_to_its_field(client):
    response = client.get(CHECK, {"step1": "abc", "ecfmg_date": "not a date", "visa": "martian"})
    assert response.status_code == HTTPStatus.OK
    assert response.text.count('class="field-error"') == 3
    assert 'id="answers"' not in response.text


def test_the_requirements_page_links_to_the_check(client):
    assert f'href="{CHECK}"' in client.get(reverse("applications:graduates")).text
