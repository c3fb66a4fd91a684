"""
The international graduates' self-check: each stored requirement of the cycle, answered "met",
"not met" or "can't tell" from what the applicant says about themselves. Guidance only.

A requirement is checked by what it is about, found from its slug (the coordinator's short name
for it, which holds one of the names in CHECKS: slugs are unique across cycles, so the next
cycle's may be "2031-usmle-scores"). The numbers and dates it is checked against are read from
the requirement itself: the score from its text ("250 or higher"), the certification deadline
from its date. A requirement the check does not know is answered "can't tell", quoting it,
so a new one is never skipped.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.utils import dateformat


class Result(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not-met", "Not met"
    CANT_TELL = "cant-tell", "Can’t tell"


class Degree(models.TextChoices):
    INTERNATIONAL = "international", "From a medical school outside the United States and Canada"
    US_CANADA = "us-canada", "MD or DO from a school in the United States or Canada"


class Certification(models.TextChoices):
    CERTIFIED = "certified", "I have my ECFMG certificate"
    PENDING = "pending", "I have applied and expect it"
    NONE = "none", "I have not applied yet"


class Visa(models.TextChoices):
    CITIZEN = "citizen", "United States citizen or permanent resident: no visa needed"
    J1 = "j1", "J-1, sponsored through the ECFMG"
    H1B = "h1b", "H-1B"
    OTHER = "other", "Another visa, or not sure"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


def _choice(label, choices, help_text=""):
    return forms.TypedChoiceField(
        label=label, choices=[("", "Not saying")] + list(choices), required=False, help_text=help_text
    )


def _score(label):
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=300)


class SelfCheckForm(forms.Form):
    """What the applicant says about themselves; every answer may be left out."""

    degree = _choice("Your medical degree", Degree.choices)
    experience = _choice(
        "Clerkship-level clinical experience, or significant research experience, in the United States or Canada",
        YesNo.choices,
    )
    ecfmg = _choice("ECFMG certificate", Certification.choices)
    ecfmg_date = forms.DateField(
        label="Date you received it, or expect it",
        required=False,
        help_text="As year-month-day, e.g. 2030-12-15.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    visa = _choice("Visa status you will train on", Visa.choices)
    step1 = _score("USMLE Step 1 score")
    step2 = _score("USMLE Step 2 CK score")
    step3 = _choice("Passed USMLE Step 3 (or completed the FLEX or NBME exams)", YesNo.choices)
    attempts = forms.IntegerField(label="Attempts at USMLE steps, in all", required=False, min_value=1, max_value=50)


@dataclass
class Answer:
    """One requirement, the answer for it, and why."""

    requirement: object
    result: Result | None
    reason: str = ""
    children: list = field(default_factory=list)


def _date(value):
    return dateformat.format(value, "F j, Y")


def _threshold(text):
    match = re.search(r"(\d{2,3})\s+or\s+(?:higher|more|above)", text)
    return int(match[1]) if match else None


def _experience(requirement, data):
    if data.get("experience") == YesNo.NO:
        return Result.NOT_MET, "You said you have neither kind of experience in the United States or Canada."
    if data.get("experience") == YesNo.YES:
        return Result.CANT_TELL, "You have the experience; whether your letters are outstanding is the program's call."
    return Result.CANT_TELL, "Say whether you have clinical or research experience in the United States or Canada."


def _scores(requirement, data):
    threshold = _threshold(requirement.text)
    if threshold is None:
        return Result.CANT_TELL, "This requirement gives no score the check can read."
    scores = {"Step 1": data.get("step1"), "Step 2": data.get("step2")}
    low = [f"{step} ({score})" for step, score in scores.items() if score is not None and score < threshold]
    if low:
        return Result.NOT_MET, f"Below {threshold}: {', '.join(low)}."
    if all(score is not None for score in scores.values()):
        return Result.MET, f"Both scores are {threshold} or higher."
    return Result.CANT_TELL, f"Give both scores to compare them with {threshold}."


def _step3(requirement, data):
    visa = data.get("visa")
    if visa in (Visa.CITIZEN, Visa.J1):
        return Result.MET, "This applies only to those seeking H-1B status."
    if visa == Visa.H1B:
        if data.get("step3") == YesNo.YES:
            return Result.MET, "You seek H-1B status and have passed Step 3 (or the FLEX or NBME exams)."
        if data.get("step3") == YesNo.NO:
            return Result.NOT_MET, "You seek H-1B status and have not passed Step 3 (or the FLEX or NBME exams)."
        return Result.CANT_TELL, "Say whether you have passed Step 3."
    return Result.CANT_TELL, "Say which visa you will train on."


def _certification(requirement, data):
    status, when = data.get("ecfmg"), data.get("ecfmg_date")
    if requirement.date is None:
        return Result.CANT_TELL, "This requirement gives no date to check against."
    deadline = _date(requirement.date)
    if status == Certification.NONE:
        return Result.CANT_TELL, f"You have not applied yet; the certificate must be received by {deadline}."
    if status not in (Certification.CERTIFIED, Certification.PENDING):
        return Result.CANT_TELL, "Say whether you have your ECFMG certificate."
    if when is None:
        return Result.CANT_TELL, f"Give the date, to compare it with {deadline}."
    if when > requirement.date:
        return Result.NOT_MET, f"{_date(when)} is after {deadline}."
    if status == Certification.PENDING:
        return Result.CANT_TELL, f"You expect it by {_date(when)}, in time, but have not received it yet."
    return Result.MET, f"Received {_date(when)}, on or before {deadline}."


def _j1(requirement, data):
    visa = data.get("visa")
    if visa == Visa.J1:
        return Result.MET, "You will train on a J-1 sponsored through the ECFMG."
    if visa == Visa.CITIZEN:
        return Result.MET, "You need no visa."
    return Result.CANT_TELL, "Whether you are eligible for J-1 status is for the ECFMG to say."


def _h1b(requirement, data):
    visa = data.get("visa")
    if visa == Visa.H1B:
        return Result.MET, "The program would support an H-1B visa if you are accepted (see Step 3 above)."
    if visa in (Visa.CITIZEN, Visa.J1):
        return Result.MET, "You do not need an H-1B visa."
    return Result.CANT_TELL, "Say which visa you will train on."


def _start_date(requirement, data):
    return Result.CANT_TELL, "Check that your visa or OPT paperwork can start on this date."


# What each requirement is about, by a name its slug holds. The rest are answered "can't tell".
CHECKS = {
    "outstanding-letters": _experience,
    "usmle-scores": _scores,
    "usmle-step-3-h-1b": _step3,
    "ecfmg-certification": _certification,
    "j-1-visa": _j1,
    "h-1b-visa": _h1b,
    "employment-start-date": _start_date,
}


def _check_for(slug):
    # The longest name first, so that a name inside another cannot take its place.
    for name in sorted(CHECKS, key=len, reverse=True):
        if name in slug:
            return CHECKS[name]
    return None


def _answer(requirement, data):
    check = _check_for(requirement.slug)
    if check is None:
        return Result.CANT_TELL, "The self-check cannot judge this one: read it and decide."
    return check(requirement, data)


def answer(requirements, data):
    """An answer for each top-level requirement (with `children` prefetched) and each of its children."""
    answers = []
    for requirement in requirements:
        children = [Answer(child, *_answer(child, data)) for child in requirement.children.all()]
        own = (None, "") if children else _answer(requirement, data)
        answers.append(Answer(requirement, *own, children=children))
    return answers
