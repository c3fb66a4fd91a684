"""The international graduates' self-check answers each stored requirement, quoting it, and stores nothing."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
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
    assert results(cycle, visa="j1")["next-usmle-step-3-h-1b"] == Result.DOES_NOT_APPLY
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
    # One answer for each requirement with nothing under it, and one for them all.
    assert response.text.count('class="verdict verdict-') - response.text.count('<p class="verdict verdict-') == 1
    verdicts = response.text.count('<p class="verdict verdict-')
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


def page(client, **answers):
    response = client.get(CHECK, answers)
    assert response.status_code == HTTPStatus.OK
    return response


def overall_verdict(response):
    return response.text.split('class="verdict verdict-', 1)[1].split(" overall", 1)[0]


@pytest.fixture
def live_cycle():
    """A cycle of this test's own, open (its deadline ahead), with requirements built here."""
    cycle = ApplicationCycleFactory(deadline=timezone.now() + datetime.timedelta(days=30))
    usmle = GraduateRequirementFactory(cycle=cycle, slug="soon-usmle", text="USMLE")
    GraduateRequirementFactory(cycle=cycle, parent=usmle, slug="soon-usmle-scores", text="Scores of 240 or higher")
    GraduateRequirementFactory(
        cycle=cycle,
        slug="soon-ecfmg-certification",
        text="Certified by",
        date=timezone.localdate() + datetime.timedelta(days=90),
    )
    GraduateRequirementFactory(cycle=cycle, slug="soon-j-1-visa", text="J-1 through the ECFMG")
    GraduateRequirementFactory(cycle=cycle, slug="soon-h-1b-visa", text="H-1B if accepted")
    return cycle


def test_an_overall_answer_heads_the_answers(client, live_cycle):
    soon = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    everything = {"step1": "250", "step2": "245", "ecfmg": "certified", "ecfmg_date": soon}
    met = page(client, degree="international", visa="j1", **everything)
    assert overall_verdict(met) == Result.MET
    assert "you meet the 3 requirements" in met.text and "(1 does not)" in met.text
    low = page(client, degree="international", visa="j1", **{**everything, "step2": "200"})
    assert overall_verdict(low) == Result.NOT_MET
    assert 'href="#requirement-soon-usmle-scores"' in low.text
    partial = page(client, visa="h1b", step1="250")
    assert overall_verdict(partial) == Result.CANT_TELL
    assert 'href="#requirement-soon-ecfmg-certification"' in partial.text


def test_a_graduate_of_a_us_or_canadian_school_is_told_the_requirements_do_not_apply(client, live_cycle):
    response = page(client, degree="us-canada")
    assert "they do not apply to you" in response.text
    assert "overall" not in response.text


def test_only_questions_a_stored_requirement_uses_are_asked(client, live_cycle):
    form = page(client).text.split('class="tool-form', 1)[1].split("</form>", 1)[0]
    for name in ("degree", "visa", "step1", "step2", "ecfmg", "ecfmg_date"):
        assert f'name="{name}"' in form
    for name in ("attempts", "step3", "experience"):
        assert f'name="{name}"' not in form
    # A requirement about attempts added in admin brings its question, answered from its own words.
    GraduateRequirementFactory(
        cycle=live_cycle, slug="soon-usmle-attempts", text="Each step passed in no more than two attempts"
    )
    assert 'name="attempts"' in page(client).text
    assert results(live_cycle, attempts=2)["soon-usmle-attempts"] == Result.MET
    assert results(live_cycle, attempts=3)["soon-usmle-attempts"] == Result.NOT_MET
    assert results(live_cycle)["soon-usmle-attempts"] == Result.CANT_TELL


def test_step_1_takes_a_pass_and_scores_take_numbers_only(client, live_cycle):
    assert results(live_cycle, step1="pass", step2=260)["soon-usmle-scores"] == Result.CANT_TELL
    assert results(live_cycle, step1="fail", step2=260)["soon-usmle-scores"] == Result.NOT_MET
    assert results(live_cycle, step1="pass", step2=200)["soon-usmle-scores"] == Result.NOT_MET
    for typed in ("Pass", " PASSED ", "p"):
        response = page(client, step1=typed, step2="260")
        assert 'class="field-error"' not in response.text, typed
        assert "Pass is not a score" in response.text
    unreadable = [("step2", "Pass"), ("step1", "250.5"), ("step1", "0"), ("step1", "9" * 5000), ("step1", "-1")]
    for field, typed in unreadable:
        response = page(client, **{field: typed})
        assert response.text.count('class="field-error"') == 1, (field, typed)
        assert 'id="answers"' not in response.text


def test_the_date_box_and_its_hint_agree_and_every_usual_way_of_typing_it_is_read(client, live_cycle):
    form = page(client).text
    date_input = form.split('name="ecfmg_date"', 1)[1].split(">", 1)[0]
    assert 'type="date"' in form.split('name="ecfmg_date"', 1)[0].rsplit("<input", 1)[1]
    hint = form.split('id="id_ecfmg_date_helptext">', 1)[1].split("<", 1)[0]
    # The browser shows the date its own way (12/01/2030 in the United States): the hint names no order.
    assert "year" not in hint.lower() and "-" not in hint
    assert 'aria-describedby="id_ecfmg_date_helptext"' in date_input
    deadline = live_cycle.graduate_requirements.get(slug="soon-ecfmg-certification").date
    early = deadline - datetime.timedelta(days=5)
    for typed in (early.isoformat(), f"{early:%m/%d/%Y}", f"{early:%B} {early.day}, {early.year}"):
        response = page(client, ecfmg="certified", ecfmg_date=typed)
        assert 'class="field-error"' not in response.text, typed
        assert "on or before" in response.text


def test_a_visa_answer_is_compared_with_each_visa_requirement(live_cycle):
    h1b = results(live_cycle, visa="h1b")
    assert (h1b["soon-j-1-visa"], h1b["soon-h-1b-visa"]) == (Result.DOES_NOT_APPLY, Result.MET)
    j1 = results(live_cycle, visa="j1")
    assert (j1["soon-j-1-visa"], j1["soon-h-1b-visa"]) == (Result.MET, Result.DOES_NOT_APPLY)
    citizen = results(live_cycle, visa="citizen")
    assert (citizen["soon-j-1-visa"], citizen["soon-h-1b-visa"]) == (Result.DOES_NOT_APPLY,) * 2
    unsure = results(live_cycle, visa="other")
    assert (unsure["soon-j-1-visa"], unsure["soon-h-1b-visa"]) == (Result.CANT_TELL,) * 2


def test_after_the_deadline_the_check_says_the_cycle_closed_and_keeps_its_dates(client, live_cycle):
    requirement = live_cycle.graduate_requirements.get(slug="soon-ecfmg-certification")
    later = requirement.date + datetime.timedelta(days=400)
    with time_machine.travel(live_cycle.deadline + datetime.timedelta(days=500)):
        blank = page(client)
        assert f"The {escape(live_cycle.name)} application cycle has closed." in blank.text
        response = page(client, ecfmg="certified", ecfmg_date=later.isoformat())
    assert f"The {escape(live_cycle.name)} application cycle has closed." in response.text
    assert overall_verdict(response) == Result.NOT_MET
    assert "That cycle has closed" in response.text
    assert f"{date_format(later, 'F j, Y')} is after {date_format(requirement.date, 'F j, Y')}" in response.text


def test_junk_answers_get_the_form_back_never_an_error(client, live_cycle):
    for junk in (
        {"visa": "<script>", "degree": "x" * 500},
        {"ecfmg_date": "2030-02-30"},
        {"ecfmg_date": "9999999-01-01"},
        {"step2": "１２３"},
        {"degree": ["international", "us-canada"]},
    ):
        response = client.get(CHECK, junk)
        assert response.status_code == HTTPStatus.OK, junk
        assert "no-store" in response["Cache-Control"]
