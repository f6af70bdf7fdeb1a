from django.contrib import admin

from surveys.models import Invitation, Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "kind", "item", "text", "groups", "required"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "county", "year", "period", "status", "opens_on", "closes_on"]
    list_filter = ["status", "county"]
    search_fields = ["title", "period"]
    inlines = [QuestionInline]
    # Status changes go through surveys.services (one audited function per transition).
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["survey", "school", "group", "label", "target", "quota", "answers_count", "active"]
    list_filter = ["group", "active", "survey"]
    search_fields = ["school__name", "label"]
    readonly_fields = ["token", "answers_count", "created_at"]
    raw_id_fields = ["school"]


# Responses and answers are deliberately not in the admin: they are anonymous and are only read
# in aggregate through the results pages.
