"""Reads of school data, always through the access layer."""

from accounts.access import schools_visible_to


def school_list_for(user):
    return schools_visible_to(user).select_related("township", "county", "parent").order_by("township__name", "code")
