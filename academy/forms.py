"""Form pieces shared by every app: the sign-in forms."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

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
