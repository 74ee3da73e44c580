"""Sign-in: one account for the whole platform, one session across all subdomains."""

from config.env import env_bool, env_int
from config.settings.tenancy import BASE_DOMAIN

AUTH_USER_MODEL = "accounts.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # throttles brute force before any check
    "accounts.backends.EmailOrPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# One sign-in for the portal and every school: the session cookie belongs to the parent
# domain (a browser refuses Domain=localhost, hence parta.localhost in development).
# Sessions live in the public schema's table, never in a school-keyed cache.
SESSION_COOKIE_DOMAIN = BASE_DOMAIN
CSRF_COOKIE_DOMAIN = BASE_DOMAIN
LANGUAGE_COOKIE_DOMAIN = BASE_DOMAIN
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
ALLOWED_HOSTS = [BASE_DOMAIN, "." + BASE_DOMAIN, "127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = [
    f"{scheme}://{host}"
    for scheme in ("http", "https")
    for host in (BASE_DOMAIN, "*." + BASE_DOMAIN)
]

# django-axes: lock an (account, IP) pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 8)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field (e-mail or phone), not USERNAME_FIELD
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# Account.email is unique through a partial constraint (NULL allowed for phone-only accounts).
SILENCED_SYSTEM_CHECKS = ["auth.W004"]

# Personal invitation codes (printed for students, parents and staff) work this long.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 30)
