import factory
from factory.django import DjangoModelFactory

from .models import Practice


class PracticeFactory(DjangoModelFactory):
    class Meta:
        model = Practice
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    residents_min = 2
    residents_max = 10
    description = "A busy practice that provides comprehensive adult primary care."

    @factory.post_generation
    def tracks(self, create, tracks, **kwargs):
        if create and tracks:
            self.tracks.set(tracks)
