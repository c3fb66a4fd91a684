"""An applicant who starts at the home page and follows links finds every fact of the source documents."""

from http import HTTPStatus

import pytest
from django.apps import apps
from django.db import models

from residency.content import CONTENT_APPS

from .crawl import crawl, normalize

pytestmark = pytest.mark.django_db

# Stored values that are not prose for applicants: keys, choices shown by their labels, addresses.
NOT_SHOWN = {"slug", "kind", "setting", "list_style", "med_peds_url"}

# Facts the pages render from structured fields (dates, numbers, rules), as the documents word them.
RENDERED_FACTS = [
    # Tracks and NRMP numbers
    "NRMP #1261140C0",
    "NRMP #1261140P0",
    "NRMP #1261140M0",
    "NRMP #1261140P1",
    "Matched through the Categorical program (NRMP #1261140C0)",
    # Continuity sites: residents placed, as shown
    "Residents Placed 2-10",
    "Residents Placed 20+",
    "Residents 60",
    "Categorical, Primary Care and Global Primary Care",
    # Conference schedules
    "12:15-1:00 pm",
    "Five days a week",
    "First three months of the academic year",
    "Most Fridays",
    "Every Thursday morning",
    # Application cycle
    "The deadline for applications is October 21, 2020 at 9:00 am EDT",
    "All invitations to interview will be granted no later than November 30, 2020",
    "Step 2 test results must be submitted in ERAS no later than March 1, 2021",
    "applicants to the Categorical, Preliminary, Primary Care and Stanbury Physician-Scientist Pathway programs "
    "require a total of 3 letters for the 2020-2021 application cycle",
    "1-2 additional letters from individuals who can assess your skills and abilities",
    "a maximum of 4 letters can be transmitted through ERAS",
    "Applicants can apply for the Categorical and Primary Care programs simultaneously",
    "If you select the Physician Scientist Program, Neuro-Preliminary Track or Preliminary Track, "
    "you will only be considered for that program – even if you selected Categorical and/or Primary Care as well",
    # Interview dates, two-day interviews as pairs
    "Categorical Interview Days",
    "Tuesday November 17th, 2020",
    "Monday January 25th, 2021",
    "Primary Care Interview Days (both days required)",
    "Monday November 16th, 2020 Tuesday November 17th, 2020",
    "Monday January 11th, 2021 Tuesday January 12th, 2021",
    "Physician Scientist Program (both days required)",
    "Thursday January 21st, 2021 Friday January 22nd, 2021",
    "Preliminary Program",
    "Friday January 15th, 2021",
    # International graduates
    "receives almost 4,000 applications from around the world each year",
    "There are typically 6 to 10 international medical graduates in our program of about 210 residents",
    "ECFMG certification must be received on or before January 1, 2021",
    "The employment start date for OPT or Visa paperwork is June 15, 2021",
    # Pathway leaders
    "Led by Carrie Sokol, MD, PhD, Jay Rajagopal, MD and Jatin Vyas, MD, PhD",
    "Led by Christiana Iyasere, MD, MBA and Meridale Baggett, MD",
]


def stored_text():
    """Every piece of prose stored in the content models, paragraph by paragraph, with where it comes from."""
    for app_label in CONTENT_APPS:
        for model in apps.get_app_config(app_label).get_models():
            fields = [
                field
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField) and field.name not in NOT_SHOWN
            ]
            for obj in model.objects.all():
                for field in fields:
                    for paragraph in getattr(obj, field.name).split("\n\n"):
                        if paragraph.strip():
                            yield f"{model._meta.label}.{field.name} of {obj!r}", normalize(paragraph)


@pytest.fixture(scope="module")
def site(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return crawl(Client(HTTP_X_FORWARDED_PROTO="https"))


def test_every_page_reached_answers_ok(site):
    pages, _ = site
    failures = {
        path: response.status_code for path, response in pages.items() if response.status_code != HTTPStatus.OK
    }
    assert not failures
    # The home page leads to every section, every track, site, conference and pathway.
    assert len(pages) >= 40


def test_every_stored_paragraph_is_shown_somewhere(site):
    _, text = site
    missing = [where for where, paragraph in stored_text() if paragraph not in text]
    assert not missing


@pytest.mark.parametrize("fact", RENDERED_FACTS)
def test_facts_rendered_from_data_are_shown(site, fact):
    _, text = site
    assert fact in text
