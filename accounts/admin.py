"""Admin for users, organisations and memberships.

Organisations and memberships carry permissions (each organisation has a group holding its
persona's grants), so adding them here goes through ``accounts.services`` exactly as the
rest of the application does; nothing in this file assigns a permission itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from .exceptions import PolicyViolation
from .fields import PASSWORD_MAX_LENGTH, bounded_formfield, with_max_length
from .models import Membership, Organisation, OrganisationKind, User
from .policy import membership_perms
from .services import (
    membership_add,
    membership_check,
    membership_remove,
    organisation_create,
    organisation_set_active,
)
from .warnings import organisation_warnings


class EmailUserCreationForm(AdminUserCreationForm):
    password1 = with_max_length(AdminUserCreationForm.base_fields["password1"], PASSWORD_MAX_LENGTH)
    password2 = with_max_length(AdminUserCreationForm.base_fields["password2"], PASSWORD_MAX_LENGTH)

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        # Sign-in compares addresses case-insensitively, so "Alice@x" and "alice@x" clash.
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Un compte existe déjà avec cette adresse e-mail.")
        return email


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email",
            "password",
            "first_name",
            "last_name",
            "is_active",
            "is_staff",
            "is_superuser",
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Accès", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    # Groups follow memberships (membership_add/remove): editing them here would give an
    # organisation's permissions to someone who is not a member. Direct permissions are not
    # used at all: every right comes from the policy through groups.
    readonly_fields = ("groups", "last_login", "date_joined")
    filter_horizontal = ()


class MembershipForm(forms.ModelForm):
    """A member is chosen by e-mail address: no list of every account is shown."""

    email = forms.EmailField(label="adresse e-mail du membre")

    class Meta:
        model = Membership
        fields = ("role",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                "Aucun compte n'existe avec cette adresse : la personne doit d'abord en créer un."
            )
        return user


def membership_changes(form: MembershipForm, *, deleted: bool) -> list[tuple[str, User]]:
    """What saving one membership form would do: (add | change | delete, whose membership)."""
    existing = form.instance if form.instance.pk else None
    if deleted:
        return [("delete", existing.user)] if existing is not None else []
    if not form.has_changed() or "email" not in form.cleaned_data:
        return []
    user = form.cleaned_data["email"]
    if existing is None:
        return [("add", user)]
    if existing.user_id != user.pk:
        return [("delete", existing.user), ("add", user)]
    return [("change", user)]


def may_manage_members(user: Any, kind: str | None, action: str) -> bool:
    """Whether ``user`` may ``action`` memberships of organisations of ``kind`` (a kind still
    to choose when ``None``: each row is then checked before it is saved)."""
    if kind is None:
        return bool(user.has_perm(f"accounts.{action}_membership"))
    return all(user.has_perm(perm) for perm in membership_perms(kind, action))


def may_switch_activity(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` may deactivate (or reactivate) ``organisation``, which removes (or
    gives back) every member's rights: as many as changing its members takes."""
    return all(user.has_perm(perm) for perm in membership_perms(organisation.kind, "delete"))


class MembershipFormSet(BaseInlineFormSet):
    # Who is editing: set for each request by ``MembershipInline.get_formset``.
    actor: Any = None

    def clean(self) -> None:
        """Refuse, before anything is saved, the rows the editor may not change: their own
        membership, or one of an organisation whose members the policy does not give them."""
        super().clean()
        if self.actor is None:
            return
        refusals: list[str] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            deleted = self.can_delete and self._should_delete_form(form)  # type: ignore[attr-defined]
            for action, user in membership_changes(form, deleted=deleted):
                try:
                    membership_check(
                        organisation=self.instance, user=user, action=action, by=self.actor
                    )
                except PolicyViolation as refused:
                    refusals.append(refused.message)
        if refusals:
            raise forms.ValidationError(sorted(set(refusals)))

    def save_through_services(self, organisation: Organisation) -> None:
        """Apply the formset with membership_add/membership_remove, keeping groups in step.

        Also fills the attributes the admin reads to write its change message, which
        ``BaseModelFormSet.save()`` would otherwise have set.
        """
        self.new_objects: list[Membership] = []
        self.changed_objects: list[tuple[Membership, list[str]]] = []
        self.deleted_objects: list[Membership] = []
        for form in self.deleted_forms:
            if form.instance.pk:
                membership_remove(membership=form.instance, by=self.actor)
                self.deleted_objects.append(form.instance)
        for form in self.forms:
            if form in self.deleted_forms or not form.has_changed():
                continue
            if "email" not in form.cleaned_data:
                continue  # a row shown read-only (its organisation's members are not theirs)
            self._save_form(form, organisation)

    def _save_form(self, form: MembershipForm, organisation: Organisation) -> None:
        user, role = form.cleaned_data["email"], form.cleaned_data["role"]
        existing = form.instance if form.instance.pk else None
        if existing is not None and existing.user_id != user.pk:
            # the row now names someone else
            membership_remove(membership=existing, by=self.actor)
        membership = membership_add(organisation=organisation, user=user, role=role, by=self.actor)
        if existing is None:
            self.new_objects.append(membership)
        else:
            self.changed_objects.append((membership, form.changed_data))


class MembershipInline(admin.TabularInline):
    """An organisation's members. Those of financiers, committees and the MEL's own
    functions are read-only to whoever the policy does not let change them."""

    model = Membership
    form = MembershipForm
    formset = MembershipFormSet
    fields = ("email", "role", "joined_at")
    readonly_fields = ("joined_at",)
    extra = 1

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user")

    @admin.display(description="adresse e-mail du membre")
    def email(self, obj: Membership) -> str:
        """Shown when the rows are read-only (an editable row has the form's field)."""
        return obj.user.email

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset: Any = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # a class made for this request
        return formset

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_members(request.user, obj and obj.kind, "add")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_members(request.user, obj and obj.kind, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_members(request.user, obj and obj.kind, "delete")


class MembershipAdminForm(MembershipForm):
    """One membership on its own page: the organisation and the person when it is added,
    only the role afterwards."""

    # Who is editing: set for each request by ``MembershipAdmin.get_form``.
    actor: Any = None

    class Meta:
        model = Membership
        fields = ("organisation", "role")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        user = cleaned.get("email")
        organisation = (
            self.instance.organisation if self.instance.pk else cleaned.get("organisation")
        )
        if user is None or organisation is None or self.actor is None:
            return cleaned
        try:
            membership_check(
                organisation=organisation,
                user=user,
                action="change" if self.instance.pk else "add",
                by=self.actor,
            )
        except PolicyViolation as refused:
            raise forms.ValidationError(refused.message) from None
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships one by one, for the habilitations service (every organisation) and MEL
    staff (the partners' organisations): through ``accounts.services``, audited and told."""

    form = MembershipAdminForm
    list_display = ("user", "organisation", "kind", "role", "joined_at")
    list_filter = ("organisation__kind", "role")
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "user__last_name", "user__first_name", "organisation__name")
    fields = ("organisation", "email", "role", "joined_at")
    actions = None  # no bulk delete: each removal goes through the services

    @admin.display(description="type d'organisation", ordering="organisation__kind")
    def kind(self, obj: Membership) -> str:
        return obj.organisation.get_kind_display()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("joined_at",) if obj is None else ("organisation", "joined_at")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user  # a class made for this request
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            kinds = [k for k in OrganisationKind if may_manage_members(request.user, k, "add")]
            kwargs["queryset"] = Organisation.objects.filter(is_active=True, kind__in=kinds)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False  # one's own membership: read only
        return may_manage_members(request.user, obj and obj.organisation.kind, "change")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return may_manage_members(request.user, obj and obj.organisation.kind, "delete")

    def save_model(
        self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool
    ) -> None:
        organisation = obj.organisation
        saved = membership_add(
            organisation=organisation,
            user=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,  # type: ignore[arg-type]
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the saved row.
        obj.pk, obj.user, obj.joined_at = saved.pk, saved.user, saved.joined_at
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_remove(membership=obj, by=request.user)  # type: ignore[arg-type]


class OrganisationForm(forms.ModelForm):
    # Declared so addresses typed without a scheme get https:// (Django 6's default; 5.2
    # warns when the choice is left implicit).
    website = forms.URLField(
        label="site web", required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        # No "members": they are managed in the inline, through the services, never as a
        # bare many-to-many field that would skip the groups.
        model = Organisation
        formfield_callback = bounded_formfield
        fields = (
            "name",
            "kind",
            "slug",
            "email",
            "phone",
            "address",
            "website",
            "description",
            "sectors",
            "is_active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "Laissé vide, il est déduit du nom."


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    inlines = [MembershipInline]
    list_display = ("name", "kind", "member_count", "email", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug", "email")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description="membres", ordering="member_count")
    def member_count(self, obj: Organisation) -> int:
        return obj.member_count  # type: ignore[attr-defined]

    def get_readonly_fields(
        self, request: HttpRequest, obj: Organisation | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        # The kind decides the persona and so every grant of the group: changing it would
        # leave existing object grants wrong. The slug names the group.
        fixed: tuple[str, ...] = ("kind", "slug", "group")
        if not may_switch_activity(request.user, obj):
            # Deactivating takes every member out of the group at once (and the
            # habilitations service out of the admin): whoever may not change the members
            # may not switch them all off either.
            fixed += ("is_active",)
        return fixed

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        # Sessions, projects and the group point at the organisation: deactivate it instead.
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: Organisation,
        form: forms.ModelForm,
        change: bool,
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            if "is_active" in form.changed_data:
                # Members must leave (or rejoin) the group, or a deactivated
                # organisation would keep every right it had.
                organisation_set_active(organisation=obj, active=obj.is_active)
            return
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"name", "kind"}}
        created = organisation_create(name=obj.name, kind=obj.kind, **fields)
        # The admin goes on with ``obj`` (inlines, log entry, redirect): make it the saved row.
        obj.pk, obj.slug, obj.group_id = created.pk, created.slug, created.group_id
        obj._state.adding = False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Shown on opening the organisation, and again after a save that leaves it unfixed.
        organisation = Organisation.objects.filter(pk=object_id).first()
        if request.method == "GET" and organisation is not None:
            for warning in organisation_warnings(organisation=organisation):
                messages.warning(request, warning)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request: HttpRequest, obj: Organisation) -> HttpResponse:
        for warning in organisation_warnings(organisation=obj):
            messages.warning(request, warning)
        return super().response_change(request, obj)

    def response_add(
        self, request: HttpRequest, obj: Organisation, post_url_continue: str | None = None
    ) -> HttpResponse:
        for warning in organisation_warnings(organisation=obj):
            messages.warning(request, warning)
        return super().response_add(request, obj, post_url_continue)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm,
        formset: Any,
        change: bool,
    ) -> None:
        if isinstance(formset, MembershipFormSet):
            formset.save_through_services(form.instance)
            return
        super().save_formset(request, form, formset, change)
