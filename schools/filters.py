"""Filters of the school list; every choice offered is limited to what the user may see."""

import django_filters
from django import forms
from django.db.models import Q

from schools.models import TOWNSHIP_ORDER, School
from schools.selectors import filter_choices, townships_visible_to

SORT_FIELDS = (
    ("code", "code"),
    ("name", "name"),
    ("township__position", "township"),  # the county's own order of townships
    ("school_type", "school_type"),
    ("urban_rural", "urban_rural"),
    ("primary_students", "primary_students"),
    ("junior_students", "junior_students"),
    ("teacher_count", "teacher_count"),
    ("class_count", "class_count"),
    ("max_class_size", "max_class_size"),
)


class SchoolFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="名称或标识码")
    township = django_filters.ModelChoiceFilter(queryset=None, label="乡镇（街道）", empty_label="全部乡镇")
    school_type = django_filters.ChoiceFilter(choices=(), label="办学类型", empty_label="全部类型")
    urban_rural = django_filters.ChoiceFilter(choices=(), label="城乡类型", empty_label="全部")
    sort = django_filters.OrderingFilter(fields=SORT_FIELDS, label="排序")

    class Meta:
        model = School
        fields = ("q", "township", "school_type", "urban_rural")

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["township"].queryset = townships_visible_to(user).order_by(*TOWNSHIP_ORDER)
        choices = filter_choices(user)
        self.filters["school_type"].extra["choices"] = choices["school_type"]
        self.filters["urban_rural"].extra["choices"] = choices["urban_rural"]
        for name in ("township", "school_type", "urban_rural"):
            self.filters[name].extra["widget"] = forms.Select(attrs={"data-autosubmit": ""})
        # A filter with one possible value only takes room (a township official, a school's reporter).
        if user.township_id or user.school_id:  # scoped below the county: one township at most
            del self.filters["township"]
        for name in ("school_type", "urban_rural"):
            if len(choices[name]) <= 1:
                del self.filters[name]
        self.filters["q"].extra["widget"] = forms.TextInput(
            attrs={"type": "search", "placeholder": "学校名称或标识码"}
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
