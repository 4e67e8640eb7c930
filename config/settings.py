"""Carnet's one settings file, configured by environment variables.

Every value has a safe development default; a bad value stops start-up with an
ImproperlyConfigured error naming the variable. See the settings table in the
README.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from sitewide import embeds, languages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    truthy, falsy = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
    if value.lower() in truthy:
        return True
    if value.lower() in falsy:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0), not {value!r}.")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def postgresql_options(options: dict[str, str], name: str) -> dict:
    """psycopg's connection options from the URL's query, with PostgreSQL keeping the
    plans of the queries a connection runs often.

    The public pages run the same dozen queries on every render; PostgreSQL spent longer
    planning them (about 3 ms an article) than running them. With server-side binding,
    psycopg prepares a query the fifth time a connection runs it, and PostgreSQL plans
    it once for that connection. `?prepare_threshold=` with nothing after it turns that
    off, for a pooler in transaction mode that cannot keep prepared statements.
    """
    options = dict(options)
    binding = options.pop("server_side_binding", "true").lower()
    if binding not in {"true", "false"}:
        raise ImproperlyConfigured(f"{name}: server_side_binding must be true or false.")
    threshold = options.pop("prepare_threshold", "5")
    if threshold and not threshold.isdigit():
        raise ImproperlyConfigured(f"{name}: prepare_threshold must be a number or empty.")
    return {
        **options,
        "server_side_binding": binding == "true",
        "prepare_threshold": int(threshold) if threshold else None,
    }


def parse_database_url(url: str, name: str = "DATABASE_URL") -> dict:
    """Turn sqlite:///path or postgres://user:pass@host:port/db into a DATABASES entry."""
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc or not path or path == "/":
            raise ImproperlyConfigured(
                f"{name} for SQLite must look like sqlite:///relative/path.sqlite3 "
                f"or sqlite:////absolute/path.sqlite3, not {url!r}."
            )
        path = path[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path if path == ":memory:" else BASE_DIR / path,
            # Several gunicorn workers write at once: WAL lets readers go on while a
            # writer works, the timeout makes writers queue instead of failing, and
            # IMMEDIATE takes the write lock up front so that no transaction has to
            # upgrade a read lock mid-way (which SQLite answers with "locked").
            # Kept open between requests: a new connection reads the schema again and
            # starts with an empty page cache (SQLite's is per connection), which cost a
            # rendered article 15% of its throughput. The restore writes into the file in
            # place (SQLite's backup API), so open connections see what it restored.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": None},
        }
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(f"{name} must name a database, as in postgres://host/db.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port: {url!r}.") from None
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": postgresql_options(options, name),
        }
    raise ImproperlyConfigured(
        f"{name} must start with sqlite:// or postgres://, not {parts.scheme or url!r}."
    )


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
# Without SECRET_KEY, the key in this file: by default the one `make run` generated, so
# that management commands run as the README shows them.
SECRET_KEY_FILE = Path(env_str("SECRET_KEY_FILE", str(VAR_DIR / "secret_key")))
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or a SECRET_KEY_FILE holding it) must be set when DEBUG is off "
            "(make run keeps one in var/secret_key)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
# The site's address as readers reach it, for links in mail sent outside any request
# (the newsletter): scheme and host, no trailing slash.
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries must start with http:// or https://, not {origin!r}."
        )

INSTALLED_APPS = [
    "sitewide",
    "pages",
    "editing",
    "accounts",
    "blog",
    "comments",
    "newsletter",
    "wordpress",
    "demo",
    # Django's admin, its site with the rich-text editor's translations (sitewide/admin_site.py).
    "sitewide.apps.CarnetAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "axes",
    # The task queue: tasks wait in a table of the same database for `manage.py db_worker`.
    "django_tasks_db",
    # Email services' APIs and webhooks for the newsletter (docs/newsletter.md#providers).
    "anymail",
    # Revisions of articles and pages (compare and restore: sitewide/revisions.py).
    "reversion",
    # The admin's rich-text editor (ProseMirror, shipped as static files).
    "django_prose_editor",
    # Two-step sign-in (accounts/twostep.py): authenticator apps, backup codes, passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # The admin's pages get SECURE_CSP_ADMIN instead (the editor's import map).
    "sitewide.middleware.AdminContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A kept page answers 304 to a reader who has it; the page cache keeps pages
    # compressed, so GZip sits below it.
    "django.middleware.http.ConditionalGetMiddleware",
    "sitewide.pagecache.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sitewide.middleware.LocaleMiddleware",
    # Fills in the comment counts of a page made of kept parts, in its language, before
    # the page cache keeps it (comments/counts.py).
    "comments.counts.CommentCountMiddleware",
    # Old WordPress addresses: only pages Carnet answers 404 (and /?p=…) look them up.
    "wordpress.middleware.OldAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a second step, and with what.
    "django_otp.middleware.OTPMiddleware",
    # An account that owes a second step is signed in nowhere but at that step.
    "accounts.middleware.TwoStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so that it sees a view's database errors first: 503 instead of 500.
    "sitewide.middleware.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                # The admin marks its scripts with the response's nonce (SECURE_CSP_ADMIN).
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sitewide.context_processors.site",
                "pages.context_processors.footer_pages",
                "blog.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(env_str("DATABASE_URL", "sqlite:///var/carnet.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "sitewide.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "carnet",
            # A Redis that hangs costs a request half a second, then the page is
            # computed without it (sitewide/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Files under var/, so that every gunicorn worker sees one cache and an invalidation.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "admin:login"
# django-axes refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed sign-ins are counted per account and per client address (an IPv6 client by
# its /64, behind TRUSTED_PROXY_COUNT proxies like comments), in the database: the
# LOGIN_FAILURE_LIMIT-th failure in a row locks for LOGIN_COOLOFF_MINUTES.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "sitewide.http.client_network"
AXES_LOCKOUT_CALLABLE = "accounts.views.sign_in_locked"
# A sign-in that succeeds starts the count again ("in a row"), but only once it is
# whole: accounts.twostep.finish_sign_in resets it after the second step, so that a
# right password does not wipe the wrong codes before it. Tries during a lockout do
# not extend it, so that it ends on its own COOLOFF after it began.
AXES_RESET_ON_SUCCESS = False
# Its log names the account and the address (masked by default): what a lockout needs.
AXES_SENSITIVE_PARAMETERS = []
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Its start-up banner would open the output of every manage.py command.
AXES_VERBOSE = False
# Staff sessions end after a working day without a request; each request starts the
# day again. Readers have no session, and none is created for them.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_SAVE_EVERY_REQUEST = True
# Two-step sign-in (accounts/twostep.py). Superusers and editors-in-chief must give a
# second step (an authenticator app's code, a passkey or a backup code) when this is on,
# as it is by default with DEBUG off; `make run` turns it off for the demo and the admin
# home says so. Any account with a device gives one, whatever this says.
TWO_STEP_REQUIRED = env_bool("TWO_STEP_REQUIRED", not DEBUG)
# Carnet's sign-in records and django-axes' access logs are kept this many days, then
# removed by `manage.py purge_sign_ins` (daily).
SIGN_IN_RETENTION_DAYS = env_int("SIGN_IN_RETENTION_DAYS", 90, minimum=1)
# Wrong codes are counted by django-axes with wrong passwords, one rule for both
# (LOGIN_FAILURE_LIMIT); django-otp's own per-device delays would be a second one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Not even a superuser reads another account's authenticator key or backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True


def _authenticator_issuer(device) -> str:
    """The name authenticator apps show above the code: the site's name."""
    from sitewide.models import SiteSettings

    return SiteSettings.load().site_name


OTP_TOTP_ISSUER = _authenticator_issuer
# Passkeys are a second step only: the password always comes first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The relying party is the site's host (WEBAUTHN_RP_ID names a parent domain instead, to
# share passkeys between www. and the bare domain) and its name the site's name.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME_CALLABLE = "accounts.passkeys.relying_party_name"
# The helper accepts the request's own origin (its host already checked against
# ALLOWED_HOSTS) and these; the package's check wants a list it can see, hence E030.
OTP_WEBAUTHN_ALLOWED_ORIGINS = [o for o in CSRF_TRUSTED_ORIGINS if o.startswith("https://")]
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = languages.CHOICES
if LANGUAGE_CODE not in languages.BY_CODE:
    raise ImproperlyConfigured(
        f"LANGUAGE_CODE must be one of {', '.join(languages.BY_CODE)}, not {LANGUAGE_CODE!r}."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}.") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# An uploaded image with more pixels is refused before it is decoded (sitewide/uploads.py):
# 50 megapixels is a high-end camera's photo, and about 200 MB to decode.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 50_000_000, minimum=1_000_000)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads are kept on this machine's disk (MEDIA_ROOT, served at /media/) by default, or
# with MEDIA_STORAGE=s3 in an S3-compatible bucket that every app server shares, read by
# browsers at MEDIA_PUBLIC_URL (the bucket's address or a CDN's in front of it); see
# sitewide/storage.py and docs/deploy.md.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local").lower()
if MEDIA_STORAGE == "local":
    MEDIA_URL = "media/"
    MEDIA_ORIGIN = None
    # make run serves uploads itself; a production proxy serves MEDIA_ROOT instead.
    SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
elif MEDIA_STORAGE == "s3":
    MEDIA_URL = env_str("MEDIA_PUBLIC_URL")
    media_parts = urlsplit(MEDIA_URL)
    if media_parts.scheme not in {"http", "https"} or not media_parts.netloc:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs MEDIA_PUBLIC_URL, the address browsers read the bucket "
            f"at, such as https://media.example.com/ (not {MEDIA_URL!r})."
        )
    MEDIA_URL = MEDIA_URL.rstrip("/") + "/"
    # The one origin besides the site's own that pages load images from (SECURE_CSP).
    MEDIA_ORIGIN = f"{media_parts.scheme}://{media_parts.netloc}"
    if not env_str("MEDIA_S3_BUCKET"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET, the bucket's name.")
    STORAGES["default"] = {
        "BACKEND": "sitewide.storage.S3MediaStorage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_S3_BUCKET"),
            # Empty: AWS itself; an S3-compatible service names its address.
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            # Empty: boto3's own chain (its environment variables, an instance's role).
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            # Readers fetch objects without credentials: each is written public-read,
            # unless the bucket's own policy makes them public (MEDIA_S3_ACL empty, as a
            # bucket with ACLs disabled requires).
            "default_acl": env_str("MEDIA_S3_ACL", "public-read") or None,
        },
    }
    # The bucket (or its CDN) serves the files; this server has none to serve.
    SERVE_MEDIA = False
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")

# Mail goes out over SMTP when EMAIL_HOST is set; otherwise each message is written to a
# file in var/mail, to read there: printed to the console, it would put commenters'
# addresses into the server's logs.
# The SMTP values are read either way, so that a bad one fails now, not on the first mail.
smtp_options = {
    "host": env_str("EMAIL_HOST"),
    "port": env_int("EMAIL_PORT", 587, minimum=1),
    "username": env_str("EMAIL_HOST_USER"),
    "password": env_str("EMAIL_HOST_PASSWORD"),
    "use_tls": env_bool("EMAIL_USE_TLS", True),
    # Mail is sent by the worker, never in a request: the timeout only bounds how long a
    # hung mail server holds the worker before the send is retried later.
    "timeout": env_int("EMAIL_TIMEOUT", 5, minimum=1),
}
if smtp_options["host"]:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": smtp_options,
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
# The newsletter goes out through the same mail server unless told otherwise
# (docs/newsletter.md): an email service's HTTP API through django-anymail, chosen by
# NEWSLETTER_MAILER_BACKEND (e.g. anymail.backends.postmark.EmailBackend) with its
# settings in ANYMAIL.
NEWSLETTER_MAILER_BACKEND = env_str("NEWSLETTER_MAILER_BACKEND")
MAILERS["newsletter"] = (
    {"BACKEND": NEWSLETTER_MAILER_BACKEND} if NEWSLETTER_MAILER_BACKEND else MAILERS["default"]
)
# django-anymail's settings, one environment variable each: ANYMAIL_MAILGUN_API_KEY is its
# MAILGUN_API_KEY. With any of them set, its webhooks answer under /anymail/ (config/urls.py);
# ANYMAIL_WEBHOOK_SECRET ("user:password") is the basic auth they then require.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Carnet <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Messages ride in a cookie of their own: the session is only for signed-in staff.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS, once the site is served over TLS (docs/operations.md lists the production
# values). Off by default: a development server has no certificate.
# Browsers remember HSTS for this many seconds (a year, 31536000, in production).
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
# The probes of a load balancer or systemd ask over plain HTTP, on the machine itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Behind a TLS proxy that sets X-Forwarded-Proto (and strips the client's): requests
# are then known to be HTTPS, for the redirect and for the https:// links in mail.
# Never set it without such a proxy: any client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PROXY_SSL_HEADER", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Videos in articles (sitewide/embeds.py) play from these PeerTube servers too, besides
# YouTube, Vimeo and Dailymotion: PeerTube is federated, each server its own site.
EMBED_PEERTUBE_HOSTS = [host.lower() for host in env_list("PEERTUBE_HOSTS", ["framatube.org"])]
for host in EMBED_PEERTUBE_HOSTS:
    if not embeds.is_hostname(host):
        raise ImproperlyConfigured(
            f"PEERTUBE_HOSTS must list host names such as framatube.org, not {host!r}."
        )
# The editor's embed dialog asks YouTube, Vimeo, Dailymotion, PeerTube, X or the Mastodon
# server for a video's title or a post's text, from the server (readers never do); off,
# the editor types them.
EMBED_LOOKUPS = env_bool("EMBED_LOOKUPS", True)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Images come from the site itself, or from the media origin when uploads are in a
    # bucket (MEDIA_STORAGE=s3), and from nowhere else.
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    # A video's player, framed only once the reader clicks its facade (static/js/carnet.js).
    "frame-src": embeds.frame_sources(EMBED_PEERTUBE_HOSTS),
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
    # Browsers post what the policy blocked here; sitewide.views.csp_report logs it.
    "report-uri": ["/csp-report"],
}
# The admin, private to staff, also runs the scripts that carry the response's nonce:
# the rich-text editor's modules are found through an inline import map, which has no
# address that 'self' could allow. Its editor (Tiptap) also adds one fixed <style> of
# ProseMirror's base rules, allowed by its hash (a new django-prose-editor may change
# it: the browser tests then report the new hash). Public pages keep SECURE_CSP.
TIPTAP_BASE_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, TIPTAP_BASE_STYLE_HASH],
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {LOG_LEVEL!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own console handler would print each of its lines a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

CARNET_PAGE_SIZE = 10
# Live coverage (blog/live.py): a reader's open page asks for new entries every
# LIVE_POLL_SECONDS, by ranges of LIVE_RANGE_SECONDS, each kept by caches once it is over.
CARNET_LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 15, minimum=1)
CARNET_LIVE_RANGE_SECONDS = env_int("LIVE_RANGE_SECONDS", 60, minimum=1)
# Anonymous pages are public for this many seconds in every cache, Carnet's own
# included, then served stale while one request refreshes them.
CARNET_PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60)
# Carnet's own page cache; off, pages keep their public headers but each is rendered.
CARNET_PAGE_CACHE = env_bool("PAGE_CACHE", True)
CARNET_PAGE_STALE_SECONDS = env_int("PAGE_STALE_SECONDS", 300)
# A kept page that a change made stale less than this many seconds ago is served stale
# to the reader who finds it, and rendered again once that reader has it (no reader
# waits for a render); older, it is rendered for its reader. 0: every stale page is
# rendered for its reader (the others are served the stale copy meanwhile).
CARNET_PAGE_STALE_SERVE_SECONDS = env_int("PAGE_STALE_SERVE_SECONDS", 10)
# The parts of pages that are the same for every reader (the comments, the related
# articles, the lists, the menu) are kept as pages are (sitewide/fragments.py); off,
# every part of every page is rendered.
CARNET_FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", True)
# Cookies Carnet sets for one reader (besides the session, CSRF and messages cookies):
# a request carrying one is answered privately.
CARNET_READER_COOKIES = ["carnet_pending", "carnet_commenter"]

# Mail runs as tasks. "database": each task waits in the database, after the commit, until
# the worker (`manage.py db_worker`, which `make run` starts) sends it, so no request waits
# on the mail server. "immediate": the task runs in the web process right after the
# commit (for `make dev`, which runs no worker); a failing task is logged, never raised.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASK_BACKEND = env_str("TASK_BACKEND", "database")
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASK_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
# Carnet keeps a page (and the parts of pages readers share) until something it shows
# changes, or for this many seconds. An article scheduled for later goes live with no
# save: the task queued for its time, or the sweep (manage.py publish_due), then
# forgets the pages it enters; with TASK_BACKEND=immediate (make dev) neither may run,
# so pages are kept no longer than PAGE_MAX_AGE.
CARNET_PAGE_KEEP_SECONDS = env_int(
    "PAGE_KEEP_SECONDS", 86400 if TASK_BACKEND == "database" else CARNET_PAGE_MAX_AGE
)
# A shared cache in front that forgets pages by tag (Varnish with xkey: docs/deploy.md),
# e.g. http://127.0.0.1:6081/. Set, anonymous pages name their tags (xkey,
# Surrogate-Key) and may be kept there PAGE_KEEP_SECONDS (s-maxage), and each change
# sends it the tags it touched (sitewide/purges.py).
CARNET_PURGE_URL = env_str("PURGE_URL")
if CARNET_PURGE_URL and not CARNET_PURGE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"PURGE_URL must start with http:// or https://, not {CARNET_PURGE_URL!r}."
    )

# Les plus lus (blog/most_read.py, docs/newsroom.md): counted in Redis only. Each
# edition's lists are rendered again every this many seconds, and so are the pages that
# show them (the front page, the article pages); a client network is counted at most
# this many reads a minute (0: no limit).
MOST_READ_SECONDS = env_int("MOST_READ_SECONDS", 300, minimum=10)
MOST_READ_PER_MINUTE = env_int("MOST_READ_PER_MINUTE", 30)

# Comments (see docs/comments.md). How many proxies in front of Carnet append to
# X-Forwarded-For; 0 means the client address is REMOTE_ADDR and the header is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# A form shown longer ago than this is stale.
COMMENTS_MAX_FORM_AGE = env_int("COMMENTS_MAX_FORM_AGE", 24 * 3600, minimum=60)
# An open article or page form tells the server so every this many seconds, and who
# else has it open is named until three beats are missed (editing.views.presence).
EDITING_PRESENCE_SECONDS = env_int("EDITING_PRESENCE_SECONDS", 15, minimum=5)
# One comment per address per this many seconds (0 turns the limit off).
COMMENTS_FLOOD_SECONDS = env_int("COMMENTS_FLOOD_SECONDS", 15)
# One message to an author per address per this many seconds (0 turns the limit off).
CONTACT_FLOOD_SECONDS = env_int("CONTACT_FLOOD_SECONDS", 60)
# An article page shows this many threads of comments; later ones are on further pages.
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 25, minimum=1)
# A comment with more links than this is held with a reason.
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
# IP addresses and user agents are kept this many days for moderation, then purged.
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 30, minimum=1)
# Newsletter (docs/newsletter.md): a sign-up not confirmed within this many hours expires,
# its confirmation link with it.
NEWSLETTER_CONFIRM_HOURS = env_int("NEWSLETTER_CONFIRM_HOURS", 48, minimum=1)
# An ended subscription (unsubscribed, or refused by the mail server) is deleted, address
# and record of what was sent, this many days after it ended.
NEWSLETTER_ENDED_RETENTION_DAYS = env_int("NEWSLETTER_ENDED_RETENTION_DAYS", 30, minimum=1)
# Sending (newsletter/sending.py): an issue goes out in batches of this many messages,
# one task each, no faster than this many messages a minute (0: as fast as the mail
# server takes them). An issue whose batches stopped (a worker killed) is taken up again
# by `manage.py send_newsletters` once nothing has moved for this many seconds.
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 500, minimum=1)
NEWSLETTER_RATE_PER_MINUTE = env_int("NEWSLETTER_RATE_PER_MINUTE", 600)
NEWSLETTER_STALL_SECONDS = env_int("NEWSLETTER_STALL_SECONDS", 300, minimum=0)
# Digests go out each day at this hour (TIME_ZONE), the weekly one on this day of the
# week (1 Monday … 7 Sunday), with the articles published since the previous one.
NEWSLETTER_DIGEST_HOUR = env_int("NEWSLETTER_DIGEST_HOUR", 7)
NEWSLETTER_WEEKLY_DAY = env_int("NEWSLETTER_WEEKLY_DAY", 1, minimum=1)
if NEWSLETTER_DIGEST_HOUR > 23 or NEWSLETTER_WEEKLY_DAY > 7:
    raise ImproperlyConfigured(
        "NEWSLETTER_DIGEST_HOUR must be 0 to 23 and NEWSLETTER_WEEKLY_DAY 1 (Monday) to 7."
    )
# Tag addresses stay ASCII ("santé" lives at /tag/sante/).
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True
TAGGIT_CASE_INSENSITIVE = True
