"""
The sample site: a whole program built with the factories, which the test database holds instead of
the content of fixtures/.

It has the shape of a real program (tracks in and out of the Match, one matched through another,
clinics and community health centers, rotations, electives, conferences, pathways, a live cycle
with interview days, letters and requirements, and an archived cycle before it) and none of its
words: the tracks and clinics have made-up names, and every other name, slug and NRMP number is the
factories'. Behaviour tests look things up in it
generically (`Track.objects.in_match().first()`) or build what they need; the tests marked `content`
swap in the real content instead (conftest.py).
"""

import datetime
import zoneinfo

from django.utils.text import slugify

from applications.factories import (
    ApplicationCycleFactory,
    GraduateRequirementFactory,
    InterviewActivityFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from curriculum.factories import (
    ConferenceFactory,
    ConferenceFormatFactory,
    ElectiveCategoryFactory,
    ElectiveFactory,
    RotationFactory,
)
from curriculum.models import Rotation
from programs.factories import (
    BenefitFactory,
    LinkFactory,
    PathwayFactory,
    PathwayItemFactory,
    PathwayLeaderFactory,
    PathwaySectionFactory,
    PersonFactory,
    ProgramFactory,
    TrackFactory,
)
from programs.models import Benefit, Link, Pathway, PathwaySection
from sites.factories import PracticeFactory

EASTERN = zoneinfo.ZoneInfo("America/New_York")
# Made-up names, so that a search for one finds one page; the NRMP numbers and every other name are the factories'.
TRACKS = [
    "Aldermoor Medicine",
    "Brackenfield Foundation",
    "Corriebank Community Medicine",
    "Dunmere Neurology Foundation",
    "Eskholme Scientist",
    "Fallowmere Global Health",
]
CLINICS = [
    "Gorsebrook Medical Group",
    "Hollinwood Associates",
    "Ivybridge Family Practice",
    "Juniper Hollow Clinic",
    "Kestrel Bay Health Center",
    "Larkspur Community Health Center",
]


def _named(name):
    return {"name": name, "slug": slugify(name)}


def build():
    """Make the sample site in the database; returns the live cycle."""
    ProgramFactory(
        sites_intro="Residents keep one continuity clinic for all three years.",
        health_centers_intro="Residents may also practice at a community health center.",
        electives_intro="Electives let residents follow an interest.",
        conferences_intro="Teaching conferences run through the week.",
        research_intro="Residents may join a laboratory or a clinical study.",
        benefits_intro="Every resident receives the benefits below.",
        appointment="Each resident is appointed for one year at a time.",
        hospital="Example General Hospital",
        hospital_url="https://hospital.example.org/",
    )
    BenefitFactory.create_batch(3, kind=Benefit.Kind.PROVIDED)
    BenefitFactory.create_batch(3, kind=Benefit.Kind.ACCESS)
    LinkFactory.create_batch(2, page=Link.Page.APPLY)
    LinkFactory.create_batch(2, page=Link.Page.GRADUATES)
    tracks = _tracks(research=_pathways())
    _sites(tracks)
    _curriculum()
    # The cycle of 2018 went live first: the one of 2019 replaced it, and it is archived.
    _cycle(tracks, year=2018, publish=datetime.datetime(2018, 6, 1, 9, 0, tzinfo=EASTERN))
    return _cycle(tracks, year=2019, publish=datetime.datetime(2019, 6, 3, 9, 0, tzinfo=EASTERN))


def _tracks(research):
    """
    Four tracks in the Match (two of three years, two of one), one matched through the first's number
    (with its `research` pathway), and one that no cycle offers.
    """
    three_years = {"length_years": 3, "length_label": "3 years in duration"}
    one_year = {"length_years": 1, "length_label": "1 year in duration"}
    outside = {"nrmp_number": "", "length_years": None, "length_label": ""}
    first = TrackFactory(**_named(TRACKS[0]), **three_years, summary="Residents train on every service.")
    tracks = [
        first,
        TrackFactory(**_named(TRACKS[1]), **one_year),
        TrackFactory(**_named(TRACKS[2]), **three_years),
        TrackFactory(**_named(TRACKS[3]), **one_year),
        TrackFactory(**_named(TRACKS[4]), **outside, match_via=first, pathway=research),
        TrackFactory(**_named(TRACKS[5]), **outside),
    ]
    return tracks


def _pathways():
    """Two research pathways and a leadership one, led, with sections of both list styles; returns a research one."""
    research = PathwayFactory(description="Residents spend protected time in a laboratory.\n\nMentors guide them.")
    PathwayFactory(description="Residents take part in seminars through the year.")
    leadership = PathwayFactory(kind=Pathway.Kind.LEADERSHIP, description="Residents learn to lead clinical teams.")
    for pathway in (research, leadership):
        for person in (PersonFactory(credentials="MD, PhD"), PersonFactory()):
            PathwayLeaderFactory(pathway=pathway, person=person)
    bulleted = PathwaySectionFactory(pathway=research, body="Residents on this pathway:")
    PathwayItemFactory.create_batch(2, section=bulleted)
    PathwayItemFactory(section=bulleted, url="https://research.example.org/")
    numbered = PathwaySectionFactory(
        pathway=leadership, list_style=PathwaySection.ListStyle.NUMBERED, closing="Seminars meet monthly."
    )
    PathwayItemFactory.create_batch(3, section=numbered)
    return research


def _sites(tracks):
    """Clinics for the three-year tracks and the one outside the Match; two are community health centers."""
    first, _, third, *_, unmatched = tracks
    gorsebrook, hollinwood, ivybridge, juniper, kestrel, larkspur = (_named(name) for name in CLINICS)
    PracticeFactory(**gorsebrook, tracks=[first, third], abbreviation="GMG", residents_min=20, residents_max=None)
    PracticeFactory(
        **hollinwood, tracks=[first, third], residents_label="Residents", residents_min=60, residents_max=60
    )
    PracticeFactory(**ivybridge, tracks=[first], town="Ivybridge", distance="Two miles from the main campus")
    PracticeFactory(**juniper, tracks=[third], url="https://clinic.example.org/")
    PracticeFactory(**kestrel, tracks=[first, third], is_health_center=True, town="Kestrel Bay")
    PracticeFactory(**larkspur, tracks=[first, third, unmatched], is_health_center=True, abbreviation="LCHC")


def _curriculum():
    """Inpatient and outpatient rotations, electives in two categories, conferences with and without hours."""
    for setting in (Rotation.Setting.INPATIENT, Rotation.Setting.OUTPATIENT):
        RotationFactory.create_batch(2, setting=setting)
    RotationFactory(setting=Rotation.Setting.OUTPATIENT, abbreviation="ACU")
    for description in ("Electives of the hospital's divisions.", ""):
        category = ElectiveCategoryFactory(description=description)
        ElectiveFactory.create_batch(3, category=category)
    with_formats = ConferenceFactory(days="Most Fridays", period="")
    ConferenceFormatFactory.create_batch(2, conference=with_formats)
    ConferenceFactory(period="First three months of the academic year")
    ConferenceFactory(days="Every Thursday morning", start_time=None, end_time=None)


def _cycle(tracks, year, publish):
    """A cycle of `year`: published at `publish`, its deadline in October, interview days through the winter."""
    deadline = datetime.datetime(year, 10, 15, 9, 0, tzinfo=EASTERN)
    cycle = ApplicationCycleFactory(
        name=f"{year}-{year + 1}",
        slug=f"{year}-{year + 1}",
        publish_at=publish,
        deadline=deadline,
        screening_note="Every application is read by a member of the faculty.",
        step2_reason="Step 2 results help us compare applicants.",
        letters_intro="Letters of recommendation are required.",
        letters_guideline="the national guidelines",
        multiple_programs_intro="Applicants may apply to more than one track.",
        simultaneous_review="Applications to several tracks are reviewed together.",
        interview_selection="Selection for interview is based on the whole application.",
        match_intro="All positions are filled through the Match.",
        med_peds_text="Applicants to the combined medicine and pediatrics program apply to it directly.",
        med_peds_url="https://med-peds.example.org/",
        interview_format=f"All interviews in {year} are held online.",
        interview_agenda_intro="The interview day is planned around you.",
        img_intro="International medical graduates apply through ERAS.",
        away_rotations="Medical students may apply for an away rotation.",
        observerships="The program does not offer observerships.",
    )
    cycle.letters_tracks.set(tracks[:3])
    for count_max in (1, 1, 2):
        LetterRequirementFactory(cycle=cycle, count_max=count_max)
    first, second, third, fourth, matched_through, _ = tracks
    applied = [
        (first, False, [datetime.date(year, 11, 12), datetime.date(year, 12, 3), datetime.date(year + 1, 1, 7)], 0),
        (third, False, [datetime.date(year, 11, 18), datetime.date(year, 12, 9)], 1),
        (matched_through, True, [datetime.date(year, 12, 5), datetime.date(year + 1, 1, 9)], 1),
        (second, True, [datetime.date(year, 11, 22), datetime.date(year, 12, 13)], 0),
        (fourth, True, [], 0),
    ]
    for track, exclusive, days, second_day in applied:
        application = TrackApplicationFactory(
            cycle=cycle,
            track=track,
            is_exclusive=exclusive,
            rule="Applicants to this track may apply to no other." if exclusive else "",
            interview_heading=f"{track.name} interview days" if days else "",
            interviews="Team and one-to-one interviews",
        )
        for day in days:
            InterviewDateFactory(
                track_application=application,
                date=day,
                second_date=day + datetime.timedelta(days=second_day) if second_day else None,
            )
    InterviewActivityFactory.create_batch(3, cycle=cycle)
    # The self-check answers the requirements it knows by their slugs (applications/eligibility.py).
    GraduateRequirementFactory(cycle=cycle, slug=f"{cycle.slug}-outstanding-letters", text="Strong letters")
    usmle = GraduateRequirementFactory(cycle=cycle, slug=f"{cycle.slug}-usmle", text="The USMLE")
    GraduateRequirementFactory(
        cycle=cycle,
        parent=usmle,
        slug=f"{cycle.slug}-usmle-scores",
        text="Scores of 245 or higher on Step 1 and Step 2",
    )
    GraduateRequirementFactory(
        cycle=cycle, parent=usmle, slug=f"{cycle.slug}-usmle-step-3-h-1b", text="Step 3 for an H-1B visa"
    )
    GraduateRequirementFactory(
        cycle=cycle,
        slug=f"{cycle.slug}-ecfmg-certification",
        text="ECFMG certification must be received on or before",
        date=datetime.date(year + 1, 1, 1),
    )
    GraduateRequirementFactory(cycle=cycle, slug=f"{cycle.slug}-j-1-visa", text="A J-1 visa sponsored by the ECFMG")
    GraduateRequirementFactory(cycle=cycle, slug=f"{cycle.slug}-h-1b-visa", text="An H-1B visa")
    GraduateRequirementFactory(
        cycle=cycle,
        slug=f"{cycle.slug}-employment-start-date",
        text="Training starts on",
        date=datetime.date(year + 1, 6, 20),
    )
    return cycle
