import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from areas.models import Area


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = Area.Kind.COMMUNE


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    role = User.Role.OFFICER
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem-1")

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)
        if create:
            self.save()
