from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"
    # Site content: exported to and loaded from fixtures/, edited by coordinators, clears the page cache.
    content = True
