"""Form pieces shared by every app: the sign-in forms, strict yes/no fields, a select for long
lists, putting a service's ValidationError on a form, and one-time form tokens against
double submission."""

import uuid
from datetime import timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.forms.utils import flatatt
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from academy.models import FormSubmission

USERNAME_TOO_LONG = (
    "A username is at most %(limit_value)d characters (this one has %(show_value)d). "
    "Check it and try again."
)


class BoundedUsernameMixin:
    """Refuse an over-long username before authentication (issue 15 item 3).

    Django's AuthenticationForm sets the username field's max_length after the field is
    built, so no validator enforces it: a 256-character name reached authenticate() and
    axes' 255-character column (a 500 on PostgreSQL). A field error means clean() never
    calls authenticate(), so nothing is logged and nothing counts towards a lockout.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(
            MaxLengthValidator(field.max_length or 150, message=USERNAME_TOO_LONG)
        )


class SignInForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminSignInForm(BoundedUsernameMixin, AdminAuthenticationForm):
    pass


# What a checkbox (its value "on") or a yes/no select sends; "" is a select's empty choice.
YES_VALUES = frozenset({"on", "true", "1", "yes"})
NO_VALUES = frozenset({"false", "0", "no", ""})


def parse_yes_no(value) -> bool | None:
    """True or False for a value a checkbox or yes/no select sends, None for anything else."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in YES_VALUES:
            return True
        if text in NO_VALUES:
            return False
    return None


class StrictCheckboxInput(forms.CheckboxInput):
    """A checkbox that hands the field what was sent, so the field can refuse nonsense.

    Django's CheckboxInput reads any value but "false" as ticked (`attended_3=zzz` was a
    yes); this one passes the raw value on, and shows the box ticked only for a yes.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: parse_yes_no(value) is True)

    def value_from_datadict(self, data, files, name):
        # An unticked box sends nothing at all.
        return data.get(name) if name in data else False


class StrictBooleanField(forms.BooleanField):
    """A yes/no field that accepts only what a checkbox or select sends (issue 15 item 12)."""

    widget = StrictCheckboxInput
    default_error_messages = {
        "invalid": "“%(value)s” is not a yes or no: tick the box or leave it empty.",
    }

    def to_python(self, value):
        parsed = parse_yes_no(value)
        if parsed is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value)[:40]}
            )
        return parsed

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class LongSelect(forms.Select):
    """A <select> for a list that grows with the academy (every worker of a service): the
    HTML of Django's Select, each option written here instead of through a template of its
    own, which cost about 0.1 ms an option (issue 17). Plain choices only, no groups."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in selected else "", label)
                for key, label in ((str(v), label) for v, label in self.choices)
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(attrs), options)


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: under its field where the form has one,
    above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- One-time form tokens (issue 15 item 4) --------------------------------------------------
# Each rendered form carries a hidden `form_token`, a uuid remembered in the session. The
# first POST that saves consumes it and remembers where the record is; the same POST sent
# again (a double click, the back button, a refresh) is refused and sent to that record.

FORM_TOKEN = "form_token"
ALREADY_SAVED = "This was already saved: here it is. Nothing was recorded twice."
ISSUED_KEY = "form_tokens_issued"
CLAIMS_KEPT_FOR = timedelta(days=7)
# Enough for many open tabs; the oldest fall away so the session stays small.
KEPT_TOKENS = 50


def issue_form_token(request) -> str:
    """A new token for a form about to be rendered, remembered in the session."""
    token = str(uuid.uuid4())
    issued = request.session.get(ISSUED_KEY, [])
    request.session[ISSUED_KEY] = [*issued, token][-KEPT_TOKENS:]
    return token


def _posted_token(request) -> str | None:
    token = request.POST.get(FORM_TOKEN, "")
    try:
        return str(uuid.UUID(token))
    except ValueError:
        return None


def one_time_form(view):
    """Make a create view idempotent against a double submit of one rendered form.

    The first POST of a token issued to this session claims it (FormSubmission, a unique
    row committed before the view runs); once the view redirects, the redirect's address
    is stored against it, and a later POST of the same token goes there with ALREADY_SAVED
    instead of reaching the view. A POST that arrives while the first is still being
    handled is answered "being saved" (409) without reaching the view. When the view does
    not redirect (the form had errors) the claim is released, so the corrected form can be
    sent with the same token. A POST without a token (not sent by our forms) is handled as
    before.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _posted_token(request) if request.method == "POST" else None
        if token is None or token not in request.session.get(ISSUED_KEY, []):
            if token is not None:
                # Issued to this session earlier and already used here or elsewhere.
                found = FormSubmission.objects.filter(token=token).first()
                if found is not None and found.location:
                    messages.info(request, ALREADY_SAVED)
                    return redirect(found.location)
            return view(request, *args, **kwargs)
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(token=token)
        except IntegrityError:
            found = FormSubmission.objects.filter(token=token).first()
            if found is not None and found.location:
                messages.info(request, ALREADY_SAVED)
                return redirect(found.location)
            return render(request, "being_saved.html", status=409)
        try:
            response = view(request, *args, **kwargs)
        except BaseException:
            claim.delete()
            raise
        if response.status_code in (301, 302, 303) and "Location" in response:
            claim.location = response["Location"][:500]
            claim.save(update_fields=["location"])
            request.session[ISSUED_KEY] = [
                t for t in request.session.get(ISSUED_KEY, []) if t != token
            ]
            _forget_old_claims()
        else:
            claim.delete()
        return response

    return wrapper


def _forget_old_claims() -> None:
    """A double submit comes within seconds, a back button within days: a week is kept."""
    FormSubmission.objects.filter(claimed_at__lt=timezone.now() - CLAIMS_KEPT_FOR).delete()
