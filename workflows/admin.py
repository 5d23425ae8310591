"""Admin: the editable orientation rules; journeys are handled on their own pages."""

from __future__ import annotations

from django.contrib import admin

from workflows.models import OrientationRule


@admin.register(OrientationRule)
class OrientationRuleAdmin(admin.ModelAdmin):
    list_display = ("organisation", "priority", "sectors", "stages", "qpv_only", "is_active")
    list_select_related = ("organisation",)
    list_filter = ("is_active", "qpv_only")
    filter_horizontal = ("communes",)
