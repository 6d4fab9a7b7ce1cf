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


class ProducerFactory(DjangoModelFactory):
    class Meta:
        model = "subjects.Producer"

    kind = "htx"
    name = factory.Sequence(lambda n: f"Hợp tác xã Thử Nghiệm {n}")
    legal_representative = "Nguyễn Văn An"
    area = factory.LazyFunction(lambda: Area.objects.get(code="925", valid_until__isnull=False))


def category_148(code: str = "I.3.c"):
    from products.models import ProductCategory

    return ProductCategory.objects.get(scheme="148/QĐ-TTg", code=code)


def category_26(code: str = "I.3.c"):
    """A product set of Phụ lục I of 26/2026/QĐ-TTg, the classification in force."""
    from products.models import ProductCategory

    return ProductCategory.objects.get(scheme="26/2026/QĐ-TTg", code=code)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = "products.Product"

    producer = factory.SubFactory(ProducerFactory)
    name = factory.Sequence(lambda n: f"Sản phẩm thử {n}")
    category = factory.LazyFunction(category_148)


def legal_basis(code: str):
    from products.models import LegalBasis

    return LegalBasis.objects.get(code=code)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = "products.Certificate"

    product = factory.SubFactory(ProductFactory)
    stars = 4
    score = 75
    legal_basis = factory.LazyFunction(lambda: legal_basis("148/QĐ-TTg"))
    level = "city"
    kind = "new"
    decision_number = factory.Sequence(lambda n: f"{1000 + n}/QĐ-UBND")
    decision_date = factory.LazyFunction(lambda: __import__("datetime").date(2024, 3, 15))
    area = factory.LazyAttribute(lambda certificate: certificate.product.producer.area)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # A legal basis may be given by its number, as it is written on the certificate.
        if isinstance(kwargs.get("legal_basis"), str):
            kwargs["legal_basis"] = legal_basis(kwargs["legal_basis"])
        return kwargs
