"""Site-wide views: the home page and what several apps' views share."""

from django.http import Http404
from django.views.generic import TemplateView

from curriculum.models import Rotation
from programs.models import Program, Track


class CurrentObjectMixin:
    """For a page about the one current object of a model (the program, the application cycle)."""

    current_model = None
    current_context_name = None

    def get_current_object(self):
        obj = self.current_model.objects.current()
        if obj is None:
            raise Http404(f"No {self.current_model._meta.verbose_name} has been published yet.")
        return obj

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.current_context_name, self.get_current_object())
        return super().get_context_data(**kwargs)


class HomeView(CurrentObjectMixin, TemplateView):
    template_name = "home.html"
    current_model = Program
    current_context_name = "program"

    def get_context_data(self, **kwargs):
        kwargs["tracks"] = Track.objects.all()
        kwargs["rotations"] = Rotation.objects.all()
        return super().get_context_data(**kwargs)
