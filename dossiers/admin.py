from django.contrib import admin

from dossiers.models import Dossier


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("county", "year", "scheme", "version", "status", "pages", "queued_at")
    list_filter = ("status", "scheme")

    def has_change_permission(self, request, obj=None):
        return False  # versions are immutable
