from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AdminAuthenticationForm):
    """The admin login form, refusing usernames longer than any account can have."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django sets the field's max_length after building it, so the check is never added;
        # without it, the throttle's record of a failed login overflows its column.
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


admin.site.login_form = LoginForm
admin.site.site_header = "Residency site administration"
admin.site.site_title = "Residency site admin"
admin.site.index_title = "Content"
