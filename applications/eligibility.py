"""
The international graduates' self-check: each stored requirement of the cycle, answered "met",
"not met", "does not apply" or "can't tell" from what the applicant says about themselves, and
an overall answer. Guidance only.

A requirement is checked by what it is about, found from its slug (the coordinator's short name
for it, which holds one of the names in CHECKS: slugs are unique across cycles, so the next
cycle's may be "2031-usmle-scores"). The numbers and dates it is checked against are read from
the requirement itself: the score from its text ("250 or higher"), the most attempts from its
text ("no more than 2 attempts"), the certification deadline from its date. A requirement the
check does not know is answered "can't tell", quoting it, so a new one is never skipped.

The form asks only what the cycle's requirements need: each check names the answers it reads,
and a question no stored requirement reads is left out.
"""

import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateformat


class Result(models.TextChoices):
    MET = "met", "Met"
    NOT_MET = "not-met", "Not met"
    DOES_NOT_APPLY = "does-not-apply", "Does not apply to you"
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


class Outcome(models.TextChoices):
    """A USMLE result reported as pass or fail instead of a score."""

    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"


class ScoreField(forms.CharField):
    """A USMLE score from 1 to 300, or (with `outcomes`) a result reported as Pass or Fail."""

    WORDS = {"pass": Outcome.PASS, "passed": Outcome.PASS, "p": Outcome.PASS, "fail": Outcome.FAIL}

    def __init__(self, *, outcomes=False, **kwargs):
        self.outcomes = outcomes
        self.message = "Give your score, from 1 to 300" + (", or Pass." if outcomes else ".")
        super().__init__(required=False, **kwargs)

    def widget_attrs(self, widget):
        # A phone shows digits only for a score; a field that takes Pass needs letters too.
        return {**super().widget_attrs(widget), "inputmode": "text" if self.outcomes else "numeric", "maxlength": 10}

    def to_python(self, value):
        value = super().to_python(value).strip().lower().replace("failed", "fail")
        if not value:
            return None
        if self.outcomes and value in self.WORDS:
            return self.WORDS[value]
        try:
            score = int(value) if len(value) <= 10 else None
        except ValueError:
            score = None
        if score is None or not 1 <= score <= 300:
            raise ValidationError(self.message, code="invalid")
        return score


def _choice(label, choices, help_text=""):
    return forms.TypedChoiceField(
        label=label, choices=[("", "Not saying")] + list(choices), required=False, help_text=help_text
    )


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
        # Browsers with a date box send 2030-12-15 whatever they show; a plain text box may get either.
        input_formats=["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%B %d, %Y", "%b %d, %Y"],
        help_text="Pick the day, or type it in the order the box shows.",
        widget=forms.DateInput(attrs={"type": "date", "placeholder": "YYYY-MM-DD"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Give a date, such as 12/15/2030."},
    )
    visa = _choice("Visa status you will train on", Visa.choices)
    step1 = ScoreField(
        label="USMLE Step 1 score or result",
        outcomes=True,
        help_text="Your score, or Pass if it was reported as pass or fail.",
    )
    step2 = ScoreField(label="USMLE Step 2 CK score")
    step3 = _choice("Passed USMLE Step 3 (or completed the FLEX or NBME exams)", YesNo.choices)
    attempts = forms.IntegerField(
        label="Attempts at USMLE steps, in all",
        required=False,
        min_value=1,
        max_value=50,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    # Asked whatever the requirements say: it decides whether they apply at all.
    ALWAYS = ("degree",)

    def __init__(self, *args, requirements=(), **kwargs):
        super().__init__(*args, **kwargs)
        asked = set(self.ALWAYS) | {name for requirement in requirements for name in _reads(requirement)}
        for name in list(self.fields):
            if name not in asked:
                del self.fields[name]


@dataclass
class Answer:
    """One requirement, the answer for it, and why."""

    requirement: object
    result: Result | None
    reason: str = ""
    children: list = field(default_factory=list)


@dataclass
class Overall:
    """The answer for all the requirements together, with the requirements behind it."""

    result: Result
    not_met: list
    cant_tell: list
    met: list
    not_applicable: list

    @property
    def total(self):
        return len(self.not_met) + len(self.cant_tell) + len(self.met) + len(self.not_applicable)


def _date(value):
    return dateformat.format(value, "F j, Y")


def _threshold(text):
    match = re.search(r"(\d{2,3})\s+or\s+(?:higher|more|above)", text)
    return int(match[1]) if match else None


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _most_attempts(text):
    """The most attempts a requirement allows, from its words: “no more than 2 attempts”, “on the first attempt”."""
    text = text.lower()
    if re.search(r"\bfirst attempt\b", text):
        return 1
    number = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
    match = re.search(rf"(?:no more than|at most|up to|a maximum of|maximum of)\s+{number}\s+attempts?", text)
    match = match or re.search(rf"{number}\s+attempts?\s+or\s+(?:fewer|less)", text)
    if not match:
        return None
    return int(match[1]) if match[1].isdigit() else NUMBER_WORDS[match[1]]


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
    given = {"Step 1": data.get("step1"), "Step 2": data.get("step2")}
    low = [
        f"{step} ({score.label if isinstance(score, Outcome) else score})"
        for step, score in given.items()
        if score == Outcome.FAIL or (isinstance(score, int) and score < threshold)
    ]
    if low:
        return Result.NOT_MET, f"Below {threshold}: {', '.join(low)}."
    passed = [step for step, score in given.items() if score == Outcome.PASS]
    if passed:
        return (
            Result.CANT_TELL,
            f"{' and '.join(passed)}: Pass is not a score, and the requirement asks for {threshold} or higher; "
            "how the program reads a pass is its call.",
        )
    if all(score is not None for score in given.values()):
        return Result.MET, f"Both scores are {threshold} or higher."
    return Result.CANT_TELL, f"Give both scores to compare them with {threshold}."


def _step3(requirement, data):
    visa = data.get("visa")
    if visa == Visa.CITIZEN:
        return Result.DOES_NOT_APPLY, "It is for those seeking H-1B status, and you need no visa."
    if visa == Visa.J1:
        return Result.DOES_NOT_APPLY, "It is for those seeking H-1B status; you named a J-1."
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
        return Result.DOES_NOT_APPLY, "You need no visa."
    if visa == Visa.H1B:
        return Result.DOES_NOT_APPLY, "You named an H-1B, not a J-1: the H-1B requirement answers for you."
    return Result.CANT_TELL, "Say which visa you will train on: this one is about J-1 status."


def _h1b(requirement, data):
    visa = data.get("visa")
    if visa == Visa.H1B:
        return Result.MET, "The program would support an H-1B visa if you are accepted (see Step 3 above)."
    if visa == Visa.CITIZEN:
        return Result.DOES_NOT_APPLY, "You need no visa."
    if visa == Visa.J1:
        return Result.DOES_NOT_APPLY, "You named a J-1, not an H-1B: the J-1 requirement answers for you."
    return Result.CANT_TELL, "Say which visa you will train on: this one is about H-1B status."


def _start_date(requirement, data):
    return Result.CANT_TELL, "Check that your visa or OPT paperwork can start on this date."


def _attempts(requirement, data):
    most = _most_attempts(requirement.text)
    if most is None:
        return Result.CANT_TELL, "This requirement gives no number of attempts the check can read."
    attempts = data.get("attempts")
    if attempts is None:
        return Result.CANT_TELL, f"Give your attempts in all, to compare them with {most}."
    if attempts > most:
        return Result.NOT_MET, f"{attempts} attempts is more than {most}."
    return Result.MET, f"{attempts} attempt{'s' if attempts > 1 else ''}, no more than {most}."


@dataclass(frozen=True)
class Check:
    """How a kind of requirement is answered, and the form's answers it reads."""

    answer: object
    reads: tuple = ()


# What each requirement is about, by a name its slug holds. The rest are answered "can't tell".
CHECKS = {
    "outstanding-letters": Check(_experience, ("experience",)),
    "usmle-scores": Check(_scores, ("step1", "step2")),
    "usmle-step-3-h-1b": Check(_step3, ("visa", "step3")),
    "usmle-attempts": Check(_attempts, ("attempts",)),
    "ecfmg-certification": Check(_certification, ("ecfmg", "ecfmg_date")),
    "j-1-visa": Check(_j1, ("visa",)),
    "h-1b-visa": Check(_h1b, ("visa",)),
    "employment-start-date": Check(_start_date),
}


def _check_for(slug):
    # The longest name first, so that a name inside another cannot take its place.
    for name in sorted(CHECKS, key=len, reverse=True):
        if name in slug:
            return CHECKS[name]
    return None


def _reads(requirement):
    """The form's answers that the requirement and those under it read."""
    check = _check_for(requirement.slug)
    children = requirement.children.all() if requirement.parent_id is None else ()
    return (check.reads if check else ()) + tuple(name for child in children for name in _reads(child))


def _answer(requirement, data):
    check = _check_for(requirement.slug)
    if check is None:
        return Result.CANT_TELL, "The self-check cannot judge this one: read it and decide."
    return check.answer(requirement, data)


def answer(requirements, data):
    """An answer for each top-level requirement (with `children` prefetched) and each of its children."""
    answers = []
    for requirement in requirements:
        children = [Answer(child, *_answer(child, data)) for child in requirement.children.all()]
        own = (None, "") if children else _answer(requirement, data)
        answers.append(Answer(requirement, *own, children=children))
    return answers


def overall(answers):
    """
    All the answers together: not met if one requirement is not met; else can't tell if one cannot
    be judged; else met (each one met, or not applying to the applicant).
    """
    leaves = [leaf for top in answers for leaf in (top.children or [top])]
    by_result = {result: [leaf for leaf in leaves if leaf.result == result] for result in Result}
    if by_result[Result.NOT_MET]:
        result = Result.NOT_MET
    elif by_result[Result.CANT_TELL]:
        result = Result.CANT_TELL
    else:
        result = Result.MET
    return Overall(
        result=result,
        not_met=by_result[Result.NOT_MET],
        cant_tell=by_result[Result.CANT_TELL],
        met=by_result[Result.MET],
        not_applicable=by_result[Result.DOES_NOT_APPLY],
    )
