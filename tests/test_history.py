"""
Every content change is kept with its values, and undoing one never harms: a revert changes exactly
the object reverted and the rows it owns, a recover brings back everything the object owned, the
history is checked against the admin's model and the coordinator's rights, and every way of
changing content (save, delete, drag, revert, recover) is recorded and reaches the public pages.
"""

import datetime
import json
import zoneinfo
from http import HTTPStatus

import pytest
import reversion
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone
from reversion.models import Revision, Version

from applications.factories import (
    ApplicationCycleFactory,
    GraduateRequirementFactory,
    InterviewActivityFactory,
    InterviewDateFactory,
    LetterRequirementFactory,
    TrackApplicationFactory,
)
from applications.models import ApplicationCycle, InterviewDate, TrackApplication
from conftest import HTTPS
from programs.factories import BenefitFactory, TrackFactory
from programs.models import Benefit
from residency import content, history
from sites.factories import PracticeFactory
from sites.models import Practice
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db

EASTERN = zoneinfo.ZoneInfo("America/New_York")
# A cycle far enough ahead that nothing of this year's content is involved.
DEADLINE = datetime.datetime(2040, 10, 22, 9, 0, tzinfo=EASTERN)


def url(name, *args):
    return reverse(f"admin:{name}", args=args)


def save(client, address, **changes):
    """Open the change form at `address`, type `changes` over it, and save; the save must succeed."""
    page = client.get(address)
    assert page.status_code == HTTPStatus.OK
    response = client.post(address, form_data(page, **changes))
    errors = response.context and response.context.get("errors")
    assert response.status_code == HTTPStatus.FOUND, errors
    return response


def day_list(application):
    return sorted((interview.date, interview.second_date) for interview in application.interview_dates.all())


def cycle_with_tracks(tracks=2, days=3, **kwargs):
    """A cycle in 2040 with `tracks` track applications of `days` interview days each, and its other rows."""
    cycle = ApplicationCycleFactory(
        deadline=DEADLINE,
        invitations_by=DEADLINE.date() + datetime.timedelta(days=40),
        step2_deadline=DEADLINE.date() + datetime.timedelta(days=130),
        **kwargs,
    )
    for number in range(tracks):
        application = TrackApplicationFactory(cycle=cycle, order=number + 1)
        for day in range(days):
            InterviewDateFactory(
                track_application=application, date=datetime.date(2040, 11, 5 + 7 * day) + datetime.timedelta(number)
            )
    LetterRequirementFactory(cycle=cycle)
    InterviewActivityFactory(cycle=cycle)
    parent = GraduateRequirementFactory(cycle=cycle)
    GraduateRequirementFactory(cycle=cycle, parent=parent)
    return cycle


def rows_of(cycle):
    """Everything the cycle owns, as (model label, what it says) pairs: to compare before and after."""
    return sorted(
        (type(row)._meta.label, str(row), getattr(row, "date", None) or "")
        for row in history.owned_rows(cycle)
        if not isinstance(row, ApplicationCycle)
    )


@pytest.fixture
def rolled_over(coordinator_client):
    """
    The rollover as a coordinator does it in admin: copy a cycle, move the copy's deadline, publish it;
    then one interview day of one track is changed. Returns the copy, as copied, and the track changed.
    """
    source = cycle_with_tracks(publish_at=timezone.now() - datetime.timedelta(days=400))
    response = coordinator_client.post(
        url("applications_applicationcycle_copy", source.pk), {"name": "Rolled", "weeks": 52}
    )
    assert response.status_code == HTTPStatus.FOUND
    copy = ApplicationCycle.objects.get(name="Rolled")
    copied = {application.pk: day_list(application) for application in copy.track_applications.all()}
    edited_deadline = copy.deadline + datetime.timedelta(days=2)
    save(
        coordinator_client,
        url("applications_applicationcycle_change", copy.pk),
        deadline_0=timezone.localtime(edited_deadline).date().isoformat(),
    )
    publish = url("applications_applicationcycle_publish", copy.pk)
    assert coordinator_client.post(publish, {"confirmed": "on"}).status_code == HTTPStatus.FOUND
    copy.refresh_from_db()
    assert copy.status == ApplicationCycle.Status.LIVE
    changed = copy.track_applications.first()
    first = changed.interview_dates.order_by("date").first()
    save(
        coordinator_client,
        url("applications_trackapplication_change", changed.pk),
        **{"interview_dates-0-date": (first.date + datetime.timedelta(days=1)).isoformat()},
    )
    assert day_list(changed) != copied[changed.pk]
    return copy, copied, changed


def test_every_content_model_keeps_history_and_follows_the_rows_it_owns():
    for model in content.content_models():
        assert reversion.is_registered(model), model
        if model in admin.site._registry:
            assert hasattr(admin.site._registry[model], "history_view"), model
    follows = reversion.revisions._get_options(ApplicationCycle).follow
    # Found from the keys that delete their rows with the cycle, not from a list.
    assert set(follows) == {"letters", "track_applications", "interview_activities", "graduate_requirements"}
    assert reversion.revisions._get_options(TrackApplication).follow == ("interview_dates",)


def test_a_revert_from_history_changes_exactly_the_track_and_its_days(client, coordinator_client, rolled_over):
    copy, copied, changed = rolled_over
    deadline, publish_at = copy.deadline, copy.publish_at
    others = {application.pk: day_list(application) for application in copy.track_applications.exclude(pk=changed.pk)}
    history_page = coordinator_client.get(url("applications_trackapplication_history", changed.pk))
    assert history_page.status_code == HTTPStatus.OK
    version = Version.objects.get_for_object(changed).filter(revision__comment__startswith="Copied from").get()
    revert = url("applications_trackapplication_revision", changed.pk, version.pk)
    assert revert in history_page.text
    page = coordinator_client.get(revert)
    assert page.status_code == HTTPStatus.OK
    # Before Save, the page says what will change, and nothing has changed yet.
    assert "What saving this version changes" in page.text
    assert "Changes interview date" in page.text
    assert day_list(changed) != copied[changed.pk]
    response = coordinator_client.post(revert, form_data(page))
    assert response.status_code == HTTPStatus.FOUND
    copy.refresh_from_db()
    assert day_list(changed) == copied[changed.pk]
    assert {pk: day_list(TrackApplication.objects.get(pk=pk)) for pk in others} == others
    # The cycle, stored in the same revision as a draft with the copied deadline, is untouched: live, as edited.
    assert copy.status == ApplicationCycle.Status.LIVE
    assert (copy.deadline, copy.publish_at) == (deadline, publish_at)
    interviews = Client(**HTTPS).get(reverse("applications:interviews")).text
    for first, _second in copied[changed.pk]:
        assert dateformat.format(first, "l F jS, Y") in interviews
    latest = Revision.objects.order_by("-pk").first()
    assert latest.user.username == "coordinator" and latest.comment.startswith("Reverted to the version of")


def test_reverting_a_cycle_removes_rows_added_since_brings_back_those_removed_and_keeps_it_published(
    coordinator_client,
):
    cycle = cycle_with_tracks(publish_at=timezone.now() - datetime.timedelta(days=1))
    with reversion.create_revision():
        reversion.add_to_revision(cycle)
    version = Version.objects.get_for_object(cycle).get()
    before = rows_of(cycle)
    removed = cycle.letters.get()
    removed.delete()
    LetterRequirementFactory(cycle=cycle, text="A letter added since")
    TrackApplicationFactory(cycle=cycle)
    cycle.unpublish()
    page = coordinator_client.get(url("applications_applicationcycle_revision", cycle.pk, version.pk))
    assert "Kept as it is now: published at" in page.text
    assert coordinator_client.post(page.request["PATH_INFO"], form_data(page)).status_code == HTTPStatus.FOUND
    cycle.refresh_from_db()
    assert rows_of(cycle) == before
    assert cycle.publish_at is None  # Returned to draft before the revert, and left so.


def test_revert_and_recover_refuse_a_version_of_another_model(django_user_model):
    cycle = cycle_with_tracks(publish_at=None)
    with reversion.create_revision():
        reversion.add_to_revision(cycle)
    version = Version.objects.get_for_object(cycle).get()
    benefit = BenefitFactory()
    editor = django_user_model.objects.create_user("benefits", password="a-long-test-password", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(content_type__model="benefit"))
    browser = Client(**HTTPS)
    browser.force_login(editor)
    before = (rows_of(cycle), Revision.objects.count())
    cycle.unpublish()
    for address in (
        url("programs_benefit_recover", version.pk),
        url("programs_benefit_revision", cycle.pk, version.pk),
        url("programs_benefit_revision", benefit.pk, version.pk),
    ):
        assert browser.get(address).status_code == HTTPStatus.NOT_FOUND
        assert (
            browser.post(address, {"slug": "x", "text": "x", "kind": "provided"}).status_code == HTTPStatus.NOT_FOUND
        )
    cycle.refresh_from_db()
    assert cycle.publish_at is None
    assert (rows_of(cycle), Revision.objects.count()) == before
    # The cycle's own admin refuses them too: the benefits account has no right on cycles.
    assert browser.get(url("applications_applicationcycle_revision", cycle.pk, version.pk)).status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_a_revert_needs_the_rights_on_every_model_it_touches(django_user_model):
    application = TrackApplicationFactory(cycle=cycle_with_tracks(tracks=0))
    InterviewDateFactory(track_application=application, date=datetime.date(2040, 11, 6))
    with reversion.create_revision():
        reversion.add_to_revision(application)
    version = Version.objects.get_for_object(application).get()
    application.interview_dates.all().delete()
    editor = django_user_model.objects.create_user("tracks", password="a-long-test-password", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(content_type__model="trackapplication"))
    browser = Client(**HTTPS)
    browser.force_login(editor)
    response = browser.get(url("applications_trackapplication_revision", application.pk, version.pk))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "add interview dates" in response.text
    assert not application.interview_dates.exists()


def test_a_deleted_archived_cycle_comes_back_with_everything_it_owned(client, coordinator_client, tmp_path):
    archived = cycle_with_tracks(publish_at=timezone.now() - datetime.timedelta(days=800))
    ApplicationCycleFactory(publish_at=timezone.now() - datetime.timedelta(days=1))
    # As loaded from fixtures: the load gives it a first revision, with its rows.
    content.export(tmp_path)
    content.load(tmp_path)
    assert Version.objects.get_for_object(archived).exists()
    before = rows_of(archived)
    assert len(before) == 2 + 6 + 1 + 1 + 2
    delete = url("applications_applicationcycle_delete", archived.pk)
    confirm = coordinator_client.get(delete)
    assert "relationship" not in confirm.text
    assert coordinator_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not ApplicationCycle.objects.filter(pk=archived.pk).exists()
    deletion = Revision.objects.order_by("-pk").first()
    assert deletion.user.username == "coordinator" and deletion.comment.startswith("Deleted")
    recover_list = coordinator_client.get(url("applications_applicationcycle_recoverlist"))
    version = Version.objects.get_deleted(ApplicationCycle).get(object_id=str(archived.pk))
    recover = url("applications_applicationcycle_recover", version.pk)
    assert recover in recover_list.text and "coordinator" in recover_list.text
    page = coordinator_client.get(recover)
    assert "Brings back the application cycle" in page.text
    assert coordinator_client.post(recover, form_data(page)).status_code == HTTPStatus.FOUND
    recovered = ApplicationCycle.objects.get(pk=archived.pk)
    assert rows_of(recovered) == before
    assert recovered.status == ApplicationCycle.Status.ARCHIVED


def test_a_recovered_cycle_that_would_go_live_comes_back_as_a_draft(coordinator_client):
    cycle = cycle_with_tracks(publish_at=None)
    delete = url("applications_applicationcycle_delete", cycle.pk)
    assert coordinator_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    # Recorded as a draft; had it been published later than every live cycle it would come back a draft too.
    version = Version.objects.get_deleted(ApplicationCycle).get(object_id=str(cycle.pk))
    data = json.loads(version.serialized_data)
    data[0]["fields"]["publish_at"] = timezone.now().isoformat()
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    recover = url("applications_applicationcycle_recover", version.pk)
    page = coordinator_client.get(recover)
    assert "comes back as (empty)" in page.text
    assert coordinator_client.post(recover, form_data(page)).status_code == HTTPStatus.FOUND
    assert ApplicationCycle.objects.get(pk=cycle.pk).status == ApplicationCycle.Status.DRAFT


@pytest.mark.parametrize("status", ["live", "scheduled"])
def test_a_live_or_scheduled_cycle_cannot_be_deleted(coordinator_client, status):
    at = timezone.now() + datetime.timedelta(days=1 if status == "scheduled" else -1)
    cycle = ApplicationCycleFactory(publish_at=at.replace(microsecond=0))
    assert cycle.status == status
    response = coordinator_client.post(
        url("applications_applicationcycle_delete", cycle.pk), {"post": "yes"}, follow=True
    )
    assert "cannot be deleted" in response.text and "return this one to draft" in response.text
    changelist = url("applications_applicationcycle_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [cycle.pk], "post": "yes"}
    response = coordinator_client.post(changelist, bulk, follow=True)
    assert "cannot be deleted" in response.text
    assert ApplicationCycle.objects.filter(pk=cycle.pk).exists()


def test_a_bulk_deletion_is_recorded_and_recovered(coordinator_client):
    benefits = BenefitFactory.create_batch(2)
    changelist = url("programs_benefit_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [benefit.pk for benefit in benefits], "post": "yes"}
    assert coordinator_client.post(changelist, bulk).status_code == HTTPStatus.FOUND
    assert not Benefit.objects.filter(pk__in=[benefit.pk for benefit in benefits]).exists()
    deletion = Revision.objects.order_by("-pk").first()
    assert deletion.comment == "Deleted 2 benefits" and deletion.user.username == "coordinator"
    version = Version.objects.get_deleted(Benefit).get(object_id=str(benefits[0].pk))
    recover = url("programs_benefit_recover", version.pk)
    assert coordinator_client.post(recover, form_data(coordinator_client.get(recover))).status_code == HTTPStatus.FOUND
    assert Benefit.objects.filter(pk=benefits[0].pk).exists()


def test_a_reorder_shows_on_the_cached_page_and_in_the_history(client, coordinator_client):
    first, second = BenefitFactory(text="First benefit"), BenefitFactory(text="Second benefit")
    page = reverse("programs:benefits")
    text = client.get(page).text
    assert text.index("First benefit") < text.index("Second benefit")
    assert client.get(page).text == text  # now served from the page cache
    response = coordinator_client.post(
        url("programs_benefit_sortable_update"),
        json.dumps({"updatedItems": [[second.pk, first.order], [first.pk, second.order]]}),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.OK
    text = client.get(page).text
    assert text.index("Second benefit") < text.index("First benefit")
    revision = Revision.objects.order_by("-pk").first()
    assert revision.user.username == "coordinator" and "Reordered" in revision.comment
    assert {version.object_id for version in revision.version_set.all()} == {str(first.pk), str(second.pk)}


def test_a_broken_reorder_changes_nothing_and_records_nothing(coordinator_client):
    benefit = BenefitFactory()
    revisions = Revision.objects.count()
    response = coordinator_client.post(
        url("programs_benefit_sortable_update"),
        json.dumps({"updatedItems": [[benefit.pk, "not a number"]]}),
        content_type="application/json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Revision.objects.count() == revisions
    assert Benefit.objects.get(pk=benefit.pk).order == benefit.order


def test_a_form_opened_before_someone_else_saved_is_refused_and_keeps_what_was_typed(
    coordinator_client, django_user_model
):
    practice = PracticeFactory(tracks=[TrackFactory()], description="As both opened it.")
    address = url("sites_practice_change", practice.pk)
    opened = coordinator_client.get(address)
    colleague = django_user_model.objects.create_superuser("colleague", password="a-long-test-password")
    other = Client(**HTTPS)
    other.force_login(colleague)
    save(other, address, description="The colleague's words.")
    response = coordinator_client.post(address, form_data(opened, description="My words."))
    assert response.status_code == HTTPStatus.OK
    assert "colleague" in response.text and "after you opened it" in response.text
    assert "My words." in response.text  # what was typed is still in the form
    assert Practice.objects.get(pk=practice.pk).description == "The colleague's words."
    # Saving again from the refused page is deliberate: it goes through.
    again = coordinator_client.post(address, form_data(response, description="My words."))
    assert again.status_code == HTTPStatus.FOUND
    assert Practice.objects.get(pk=practice.pk).description == "My words."


def test_a_stale_form_is_refused_when_only_an_owned_row_changed(coordinator_client):
    cycle = cycle_with_tracks(publish_at=None, tracks=1)
    address = url("applications_applicationcycle_change", cycle.pk)
    opened = coordinator_client.get(address)
    interview = InterviewDate.objects.filter(track_application__cycle=cycle).first()
    interview.date += datetime.timedelta(days=1)
    interview.save()
    response = coordinator_client.post(address, form_data(opened, eras_intro="Typed on a stale page."))
    assert response.status_code == HTTPStatus.OK and "after you opened it" in response.text
    cycle.refresh_from_db()
    assert cycle.eras_intro != "Typed on a stale page."


def test_compare_shows_the_rows_the_object_owns(coordinator_client):
    application = TrackApplicationFactory(cycle=cycle_with_tracks(tracks=0))
    kept = InterviewDateFactory(track_application=application, date=datetime.date(2040, 11, 6))
    dropped = InterviewDateFactory(track_application=application, date=datetime.date(2040, 11, 13))
    address = url("applications_trackapplication_change", application.pk)
    save(coordinator_client, address)
    dropped.delete()
    added = InterviewDateFactory(track_application=application, date=datetime.date(2040, 11, 20))
    save(coordinator_client, address)
    newer, older = Version.objects.get_for_object(application)[:2]
    compare = coordinator_client.get(
        url("applications_trackapplication_compare", application.pk),
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    assert compare.status_code == HTTPStatus.OK
    assert f"added {added}" in compare.text and f"removed {dropped}" in compare.text
    assert str(kept) not in compare.text


def test_a_save_without_changes_names_no_change(coordinator_client):
    cycle = cycle_with_tracks(publish_at=None)
    save(coordinator_client, url("applications_applicationcycle_change", cycle.pk))
    assert Revision.objects.order_by("-pk").first().get_comment() == "No fields changed."


def test_recent_changes_name_who_did_what_and_link_deletions_to_recover(coordinator_client):
    practice = PracticeFactory(tracks=[TrackFactory()])
    address = url("sites_practice_change", practice.pk)
    save(coordinator_client, address, description="Changed today.")
    assert coordinator_client.post(url("sites_practice_delete", practice.pk), {"post": "yes"}).status_code == 302
    recent = coordinator_client.get(url("reversion_revision_changelist"), {"when": "today"})
    assert recent.status_code == HTTPStatus.OK
    deletion = Version.objects.get_deleted(Practice).get(object_id=str(practice.pk))
    assert url("sites_practice_recover", deletion.pk) in recent.text
    assert f"Deleted continuity practice site “{practice.name}”" in recent.text or "Deleted" in recent.text
    moment = dateformat.format(timezone.localtime(deletion.revision.date_created), history.MOMENT)
    assert moment in recent.text and moment.count(":") == 2  # to the second
    assert "coordinator" in recent.text
    yesterday = coordinator_client.get(url("reversion_revision_changelist"), {"when": "yesterday"})
    assert url("sites_practice_recover", deletion.pk) not in yesterday.text
    # Nobody edits or deletes the record of changes.
    revision = Revision.objects.latest("date_created")
    response = coordinator_client.post(url("reversion_revision_delete", revision.pk), {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_a_coordinator_compares_reverts_and_the_site_shows_it(client, coordinator_client):
    practice = PracticeFactory(tracks=[TrackFactory()], description="The first description.")
    address = url("sites_practice_change", practice.pk)
    save(coordinator_client, address, description="A mistaken description.")
    assert "A mistaken description." in client.get(practice.get_absolute_url()).text
    newer, older = Version.objects.get_for_object(practice)
    compare = coordinator_client.get(
        url("sites_practice_compare", practice.pk), {"version_id1": older.pk, "version_id2": newer.pk}
    )
    assert "<del>The first</del><ins>A mistaken</ins> description." in compare.text
    revert = url("sites_practice_revision", practice.pk, older.pk)
    assert coordinator_client.post(revert, form_data(coordinator_client.get(revert))).status_code == HTTPStatus.FOUND
    assert "The first description." in client.get(practice.get_absolute_url()).text


def test_revisions_are_not_part_of_the_fixtures(coordinator_client, tmp_path):
    practice = PracticeFactory(tracks=[TrackFactory()])
    save(coordinator_client, url("sites_practice_change", practice.pk), description="Anything.")
    content.export(tmp_path)
    assert all("reversion" not in path.read_text() for path in tmp_path.iterdir())


# The history pages run a fixed number of queries, whatever the number of revisions or rows.
@pytest.mark.parametrize("revisions", [1, 4])
def test_history_pages_run_a_fixed_number_of_queries(
    coordinator, coordinator_client, django_assert_num_queries, revisions
):
    application = TrackApplicationFactory(cycle=cycle_with_tracks(tracks=0))
    for day in range(revisions + 2):
        InterviewDateFactory(track_application=application, date=datetime.date(2040, 11, 6 + day))
    address = url("applications_trackapplication_change", application.pk)
    for number in range(revisions + 1):
        save(coordinator_client, address, rule=f"Rule {number}")
    newer, older = Version.objects.get_for_object(application)[:2]
    benefits = BenefitFactory.create_batch(revisions)
    changelist = url("programs_benefit_changelist")
    bulk = {"action": "delete_selected", "_selected_action": [b.pk for b in benefits], "post": "yes"}
    # Followed, so the deletion's message (kept in the session) is read before the pages are counted.
    coordinator_client.post(changelist, bulk, follow=True)
    mine = {"user__id__exact": coordinator.pk}
    pages = [
        (url("applications_trackapplication_history", application.pk), {}, 9),
        (
            url("applications_trackapplication_compare", application.pk),
            {"version_id1": older.pk, "version_id2": newer.pk},
            13,
        ),
        (url("applications_trackapplication_revision", application.pk, older.pk), {}, 27),
        (url("programs_benefit_recoverlist"), {}, 5),
        (url("reversion_revision_changelist"), mine, 11),
    ]
    for address, query, count in pages:
        with django_assert_num_queries(count):
            assert coordinator_client.get(address, query).status_code == HTTPStatus.OK
