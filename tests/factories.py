"""Factories for realistic rows; personas in conftest.py are built from these."""

import factory

from accounts.models import Role, User
from schools.models import County, Region, School, SchoolClass, SchoolConditions, Teacher, Township


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{130123 + n:06d}")
    name = factory.Sequence(lambda n: f"测试{n}县")


class RegionFactory(factory.django.DjangoModelFactory):
    """A province (code ending 0000) or a city (code ending 00)."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "130100"
    name = "石家庄市"
    level = Region.Level.CITY


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township
        django_get_or_create = ("county", "name")

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"第{n}镇")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("code",)

    township = factory.SubFactory(TownshipFactory)
    county = factory.SelfAttribute("township.county")
    code = factory.Sequence(lambda n: f"{1301230000 + n:010d}")
    name = factory.Sequence(lambda n: f"第{n}小学")
    school_type = "小学"
    urban_rural = "乡村"


class ConditionsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolConditions

    school = factory.SubFactory(SchoolFactory)
    year = 2025
    primary_students = 400
    junior_students = 0
    building_area = 2200
    sports_area = 3500
    equipment_value = 900000
    computers = 60
    books = 12000
    multimedia_rooms = 12


class TeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Teacher

    school = factory.SubFactory(SchoolFactory)
    year = 2025
    staff_no = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"教师{n}")
    stage = "小学"
    full_time = True
    education = "本科"
    title = "一级"
    backbone = "无"
    subject = "语文"


class ClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass

    school = factory.SubFactory(SchoolFactory)
    year = 2025
    stage = "小学"
    grade = 1
    name = factory.Sequence(lambda n: f"{n}班")
    students = 40


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Demo-pass-2025")
    role = Role.BUREAU
