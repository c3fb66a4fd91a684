from django.urls import path

from . import data, views

app_name = "opendata"

urlpatterns = [
    path("program.json", views.JSONDataView.as_view(), name="json"),
    path("schema.json", views.SchemaView.as_view(), name="schema"),
    *(path(f"{table}.csv", views.CSVDataView.as_view(table=table), name=f"csv-{table}") for table in data.TABLES),
]
