"""Strict yes/no fields (issue 15 item 12): only what a checkbox or yes/no select sends."""

import pytest
from django import forms

from academy.forms import StrictBooleanField


class Tick(forms.Form):
    box = StrictBooleanField(required=False)


class MustTick(forms.Form):
    box = StrictBooleanField()


@pytest.mark.parametrize("sent", ["on", "true", "1", "yes", "ON", "True", "Yes"])
def test_what_a_ticked_box_or_select_sends_is_a_yes(sent):
    form = Tick({"box": sent})
    assert form.is_valid() and form.cleaned_data["box"] is True


@pytest.mark.parametrize("sent", ["false", "0", "no", ""])
def test_what_an_unticked_select_sends_is_a_no(sent):
    form = Tick({"box": sent})
    assert form.is_valid() and form.cleaned_data["box"] is False


def test_an_unticked_box_sends_nothing_and_is_a_no():
    form = Tick({})
    assert form.is_valid() and form.cleaned_data["box"] is False


@pytest.mark.parametrize("sent", ["zzz", "2", "y", "checked", "on; drop table"])
def test_anything_else_is_refused_with_a_clear_message(sent):
    form = Tick({"box": sent})
    assert not form.is_valid()
    assert "is not a yes or no" in form.errors["box"][0]


def test_a_required_box_must_be_ticked():
    assert not MustTick({}).is_valid()
    assert not MustTick({"box": "no"}).is_valid()
    assert MustTick({"box": "on"}).is_valid()


def test_the_box_shows_ticked_only_for_a_yes():
    assert "checked" not in str(Tick({"box": "false"})["box"])
    assert "checked" not in str(Tick({"box": "zzz"})["box"])
    assert "checked" in str(Tick({"box": "on"})["box"])
    assert "checked" in str(Tick(initial={"box": True})["box"])


@pytest.mark.django_db
def test_every_yes_no_field_in_the_product_forms_is_strict():
    # A plain forms.BooleanField reads "zzz" as a yes; every app's forms use the strict one.
    from moderation.forms import DecisionForm, ModerationFormForm, SubmitForm

    fields = {
        "concerns": ModerationFormForm.base_fields["concerns"],
        "confirm": SubmitForm.base_fields["confirm"],
        "fail_pathway": SubmitForm.base_fields["fail_pathway"],
        "sign_off": DecisionForm.base_fields["sign_off"],
    }
    for name, field in fields.items():
        assert isinstance(field, StrictBooleanField), name
    assert "is not a yes or no" in ModerationFormForm({"concerns": "zzz"}).errors["concerns"][0]
