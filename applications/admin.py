from django.contrib import admin

from applications.models import ApplicationPackage, CountyFacts, Eligibility, FieldVisits, PackageFile
from balance_inspect.admin import ReadOnlyAdmin


@admin.register(ApplicationPackage)
class ApplicationPackageAdmin(ReadOnlyAdmin):
    list_display = ("county", "year", "version", "status", "input_fingerprint", "queued_at")
    list_filter = ("status",)


@admin.register(PackageFile)
class PackageFileAdmin(ReadOnlyAdmin):
    list_display = ("package", "kind", "sha256", "size", "pages")


@admin.register(CountyFacts)
class CountyFactsAdmin(ReadOnlyAdmin):
    list_display = ("county", "year", "population", "villages", "source", "updated_at")


@admin.register(Eligibility)
class EligibilityAdmin(ReadOnlyAdmin):
    list_display = ("county", "basic_recognition_year", "document", "updated_at")


@admin.register(FieldVisits)
class FieldVisitsAdmin(ReadOnlyAdmin):
    list_display = ("county", "year", "visited", "satisfied", "parents_visited", "parents_satisfied")
