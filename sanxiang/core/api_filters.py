"""The django-filter backend of the list endpoints (issue #17 item 2): a FilterSet that
refuses its query parameters answers 400 ``bad_filter`` (``core.api.BadFilter``) with the
messages per parameter under ``fields`` — not the generic ``validation_error`` of a request
body. drf-spectacular documents the parameters from the FilterSet (its django-filter
extension matches subclasses of ``DjangoFilterBackend``)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from .api import BadFilter
from .inputs import parse_id


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise BadFilter(_messages(filterset.errors))
        return filterset.qs


def _messages(errors):
    """``{parameter: [message, …]}`` of a FilterSet's form errors."""
    return {field: [str(m) for m in messages] for field, messages in errors.items()}


class IdField(forms.CharField):
    """A database id from a query string: ASCII digits, 1 … 2**63 - 1 (``inputs.parse_id``)
    — not ``forms.IntegerField``, which accepts "²" and lets a value past the column's range
    reach the database."""

    default_error_messages = {"invalid": _("ID 应为正整数。")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdFilter(django_filters.Filter):
    """``?<name>=<id>``: rows whose ``field_name`` equals the id; a malformed id is a
    ``bad_filter``. Rows stay limited by the view's scoped queryset, so an id outside the
    user's scope simply matches nothing (its existence is not revealed)."""

    # the schema type comes from the model field named by ``field_name`` (name the
    # ForeignKey, ``case``, not ``case_id``: its target's pk is documented as an integer)
    field_class = IdField
