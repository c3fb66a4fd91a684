"""
What the site search looks through: each content model, the fields searched, and where on the
site a match is shown (the page and the section of it, by anchor). One query per model.

tests/search/test_sources.py fails when a content model with text is neither here nor in SKIPPED.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from applications.models import (
    ApplicationCycle,
    GraduateRequirement,
    InterviewActivity,
    LetterRequirement,
    TrackApplication,
)
from curriculum.models import Conference, ConferenceFormat, Elective, ElectiveCategory, Rotation
from programs.models import Benefit, Pathway, PathwayItem, PathwayLeader, PathwaySection, Program, Track
from sites.models import Practice


@dataclass
class Group:
    """Fields searched together, and the address (with its anchor) that shows them for an object."""

    fields: tuple
    url: object  # obj -> "/path/#anchor"
    title: object = str  # obj -> the result's heading


@dataclass
class Source:
    """A content model, the objects of it that the site shows, and its groups of fields."""

    label: str
    model: type
    groups: list
    queryset: object = None  # () -> the objects the site shows; all of them by default
    related: tuple = field(default_factory=tuple)

    def objects(self):
        queryset = self.queryset() if self.queryset else self.model._default_manager.all()
        return queryset.select_related(*self.related) if self.related else queryset


def _url(name, anchor="", *args):
    return reverse(name, args=args) + (f"#{anchor}" if anchor else "")


def _page(name, anchor=""):
    return lambda obj: _url(name, anchor)


def _current_cycle(model):
    return lambda: model.objects.filter(cycle__in=ApplicationCycle.objects.live_only())


SOURCES = [
    Source("Track", Track, [Group(("name", "nrmp_number", "length_label", "summary"), Track.get_absolute_url)]),
    Source(
        "Continuity site",
        Practice,
        [Group(("name", "abbreviation", "description"), Practice.get_absolute_url)],
    ),
    Source(
        "Rotation",
        Rotation,
        [Group(("name", "abbreviation", "description"), lambda obj: _url("curriculum:rotation_list", obj.setting))],
    ),
    Source(
        "Electives",
        ElectiveCategory,
        [Group(("name", "description"), lambda obj: _url("curriculum:elective_list", obj.slug))],
    ),
    Source(
        "Elective",
        Elective,
        [Group(("name",), lambda obj: _url("curriculum:elective_list", obj.category.slug))],
        related=("category",),
    ),
    Source(
        "Conference",
        Conference,
        [Group(("name", "days", "period", "description"), Conference.get_absolute_url)],
    ),
    Source(
        "Conference format",
        ConferenceFormat,
        [
            Group(
                ("name", "text"),
                lambda obj: f"{obj.conference.get_absolute_url()}#{obj.slug}",
                lambda obj: f"{obj.name} ({obj.conference.name})",
            )
        ],
        related=("conference",),
    ),
    Source("Pathway", Pathway, [Group(("name", "description"), Pathway.get_absolute_url)]),
    Source(
        "Pathway",
        PathwaySection,
        [
            Group(
                ("name", "body", "closing"),
                lambda obj: f"{obj.pathway.get_absolute_url()}#{obj.slug}",
                lambda obj: f"{obj.pathway.name}: {obj.name}",
            )
        ],
        related=("pathway",),
    ),
    Source(
        "Pathway",
        PathwayItem,
        [
            Group(
                ("text",),
                lambda obj: f"{obj.section.pathway.get_absolute_url()}#{obj.section.slug}",
                lambda obj: f"{obj.section.pathway.name}: {obj.section.name}",
            )
        ],
        related=("section__pathway",),
    ),
    Source(
        "Pathway leader",
        PathwayLeader,
        [
            Group(
                ("person__name", "person__credentials"),
                lambda obj: obj.pathway.get_absolute_url(),
                lambda obj: f"{obj.person} ({obj.pathway.name})",
            )
        ],
        related=("person", "pathway"),
    ),
    Source(
        "Benefit",
        Benefit,
        [Group(("text",), lambda obj: _url("programs:benefits", obj.kind), lambda obj: obj.get_kind_display())],
    ),
    Source(
        "Program",
        Program,
        [
            Group(("overview",), lambda obj: f"{obj.get_absolute_url()}#overview", lambda obj: obj.name),
            Group(("sites_intro",), _page("sites:practice_list"), lambda obj: "Continuity practice sites"),
            Group(
                ("health_centers_intro",),
                _page("sites:practice_list", "health-centers"),
                lambda obj: "Community health centers",
            ),
            Group(("electives_intro",), _page("curriculum:elective_list"), lambda obj: "Electives"),
            Group(("conferences_intro",), _page("curriculum:conference_list"), lambda obj: "Conferences"),
            Group(("research_intro",), _page("programs:research"), lambda obj: "Research"),
            Group(("benefits_intro", "appointment"), _page("programs:benefits"), lambda obj: "Benefits"),
        ],
        queryset=lambda: Program.objects.current_only(),
    ),
    Source(
        "How to apply",
        ApplicationCycle,
        [
            Group(
                ("eras_intro", "screening_note"),
                _page("applications:apply", "process"),
                lambda obj: "Application process",
            ),
            Group(("step2_reason",), _page("applications:apply", "step-2"), lambda obj: "Step 2 test results"),
            Group(
                ("letters_intro", "letters_guideline"),
                _page("applications:apply", "letters"),
                lambda obj: "Letters of recommendation",
            ),
            Group(
                ("multiple_programs_intro", "simultaneous_review"),
                _page("applications:apply", "multiple"),
                lambda obj: "Applying to multiple programs",
            ),
            Group(
                ("interview_selection", "match_intro", "med_peds_text"),
                _page("applications:apply", "match"),
                lambda obj: "Interviews and Match",
            ),
            Group(
                ("interview_format", "interview_agenda_intro"),
                _page("applications:interviews", "synopsis"),
                lambda obj: "Interview day",
            ),
            Group(("img_intro",), _page("applications:graduates"), lambda obj: "International medical graduates"),
            Group(
                ("away_rotations", "observerships"),
                _page("applications:apply", "away"),
                lambda obj: "Away rotations and observerships",
            ),
        ],
        queryset=lambda: ApplicationCycle.objects.live_only(),
    ),
    Source(
        "Application rule",
        TrackApplication,
        [
            Group(
                ("application_name", "rule"), _page("applications:apply", "multiple"), lambda obj: obj.application_name
            ),
            Group(
                ("interview_heading",),
                lambda obj: _url("applications:interviews", obj.track.slug),
                lambda obj: obj.interview_heading,
            ),
        ],
        queryset=_current_cycle(TrackApplication),
        related=("track",),
    ),
    Source(
        "Letters of recommendation",
        LetterRequirement,
        [Group(("text",), _page("applications:apply", "letters"), lambda obj: "Letters of recommendation")],
        queryset=_current_cycle(LetterRequirement),
    ),
    Source(
        "Interview day",
        InterviewActivity,
        [Group(("text",), _page("applications:interviews", "synopsis"), lambda obj: "Interview day")],
        queryset=_current_cycle(InterviewActivity),
    ),
    Source(
        "International graduates",
        GraduateRequirement,
        [
            Group(
                ("text",),
                _page("applications:graduates", "requirements"),
                lambda obj: "Requirements for international medical graduates",
            )
        ],
        queryset=_current_cycle(GraduateRequirement),
    ),
]

# Content models with text that the search leaves out, and why.
SKIPPED = {
    "programs.Person": "found through the pathways they lead (PathwayLeader)",
    "applications.InterviewDate": "dates, not text",
    "programs.Link": "organizations' addresses, shown beside the searched texts that name them",
}
