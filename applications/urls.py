from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.ApplyView.as_view(), name="apply"),
    path("interviews/", views.InterviewsView.as_view(), name="interviews"),
    path("international-graduates/", views.GraduatesView.as_view(), name="graduates"),
    path("international-graduates/check/", views.GraduateCheckView.as_view(), name="graduate_check"),
    path("planner/", views.PlannerView.as_view(), name="planner"),
    path("calendar.ics", views.CalendarView.as_view(), name="calendar"),
]
