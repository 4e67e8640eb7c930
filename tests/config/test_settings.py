"""config/settings.py refuses to start on a bad environment value, naming the variable.

Each case imports the settings in a fresh interpreter, as gunicorn would.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

BASE_DIR = Path(__file__).resolve().parents[2]
# Everything settings.py reads; the test's own environment must not leak in.
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL", "REDIS_URL",
    "LANGUAGE_CODE", "TIME_ZONE", "MEDIA_ROOT", "SERVE_MEDIA", "EMAIL_HOST", "EMAIL_PORT",
    "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL",
    "SECURE_COOKIES", "LOG_LEVEL", "DJANGO_SETTINGS_MODULE", "TASK_BACKEND", "EMAIL_TIMEOUT",
    "HSTS_SECONDS", "HSTS_INCLUDE_SUBDOMAINS", "HSTS_PRELOAD", "SSL_REDIRECT", "PROXY_SSL_HEADER",
    "LOGIN_FAILURE_LIMIT", "LOGIN_COOLOFF_MINUTES", "PAGE_CACHE", "PAGE_MAX_AGE",
    "PAGE_STALE_SECONDS", "PAGE_KEEP_SECONDS", "PURGE_URL", "COMMENTS_PER_PAGE",
    "CONTACT_FLOOD_SECONDS",
    "PEERTUBE_HOSTS", "EMBED_LOOKUPS", "SITE_URL", "NEWSLETTER_MAILER_BACKEND",
    "MEDIA_STORAGE", "MEDIA_PUBLIC_URL", "MEDIA_S3_BUCKET", "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_REGION", "MEDIA_S3_ACCESS_KEY_ID", "MEDIA_S3_SECRET_ACCESS_KEY", "MEDIA_S3_ACL",
    # Set in this process by the browser tests (Playwright's loop); Django's deploy
    # check refuses it, and no server has it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip
SHOW = (
    "import json, config.settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'ENGINE': db['ENGINE'], 'NAME': str(db['NAME']), "
    "'HOST': db.get('HOST'), 'PORT': db.get('PORT'), 'USER': db.get('USER'), "
    "'OPTIONS': db['OPTIONS'], "
    "'CACHE': s.CACHES['default']['BACKEND'], 'MAIL': s.MAILERS['default']['BACKEND'], "
    "'MAIL_OPTIONS': s.MAILERS['default'].get('OPTIONS', {}), "
    "'LANGUAGE_CODE': s.LANGUAGE_CODE, 'TIME_ZONE': s.TIME_ZONE, "
    "'CSRF_TRUSTED_ORIGINS': s.CSRF_TRUSTED_ORIGINS, 'ALLOWED_HOSTS': s.ALLOWED_HOSTS}))"
)


NO_KEY_FILE = str(BASE_DIR / "var" / "no-such-secret-key")


def import_settings(code: str = "import config.settings", **env: str):
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    # Not the key `make run` may have left in var/ on this machine, unless a test says so.
    clean["SECRET_KEY_FILE"] = NO_KEY_FILE
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


class BadSettingsTests(SimpleTestCase):
    def assertRefused(self, variable: str, **env: str):
        result = import_settings(**{"DEBUG": "1", **env})
        self.assertNotEqual(result.returncode, 0, f"{env} was accepted")
        last_line = result.stderr.strip().splitlines()[-1]
        self.assertIn("ImproperlyConfigured", last_line)
        self.assertIn(variable, last_line)

    def test_debug_must_be_a_boolean(self):
        self.assertRefused("DEBUG", DEBUG="maybe")

    def test_email_port_must_be_a_number(self):
        self.assertRefused("EMAIL_PORT", EMAIL_HOST="smtp.example.com", EMAIL_PORT="abc")

    def test_email_port_must_be_a_number_even_before_email_host_is_set(self):
        self.assertRefused("EMAIL_PORT", EMAIL_PORT="abc")

    def test_email_port_must_be_positive(self):
        self.assertRefused("EMAIL_PORT", EMAIL_HOST="smtp.example.com", EMAIL_PORT="0")

    def test_email_use_tls_must_be_a_boolean(self):
        self.assertRefused("EMAIL_USE_TLS", EMAIL_HOST="smtp.example.com", EMAIL_USE_TLS="sure")

    def test_database_url_must_be_sqlite_or_postgres(self):
        self.assertRefused("DATABASE_URL", DATABASE_URL="mysql://x")

    def test_database_url_must_name_a_database(self):
        self.assertRefused("DATABASE_URL", DATABASE_URL="postgres://host")
        self.assertRefused("DATABASE_URL", DATABASE_URL="postgres://host/")

    def test_database_url_must_have_a_valid_port(self):
        self.assertRefused("DATABASE_URL", DATABASE_URL="postgres://host:port/db")

    def test_postgresql_options_must_be_what_psycopg_takes(self):
        self.assertRefused(
            "DATABASE_URL", DATABASE_URL="postgres://host/db?server_side_binding=maybe"
        )
        self.assertRefused("DATABASE_URL", DATABASE_URL="postgres://host/db?prepare_threshold=x")

    def test_a_sqlite_database_url_must_have_a_path(self):
        self.assertRefused("DATABASE_URL", DATABASE_URL="sqlite://")
        self.assertRefused("DATABASE_URL", DATABASE_URL="sqlite://host/db.sqlite3")

    def test_time_zone_must_exist(self):
        self.assertRefused("TIME_ZONE", TIME_ZONE="Mars/Base")
        self.assertRefused("TIME_ZONE", TIME_ZONE="../../etc/passwd")

    def test_language_code_must_be_french_or_english(self):
        self.assertRefused("LANGUAGE_CODE", LANGUAGE_CODE="de")

    def test_csrf_trusted_origins_need_a_scheme(self):
        self.assertRefused("CSRF_TRUSTED_ORIGINS", CSRF_TRUSTED_ORIGINS="example.com")
        self.assertRefused(
            "CSRF_TRUSTED_ORIGINS", CSRF_TRUSTED_ORIGINS="https://ok.example,example.com"
        )

    def test_redis_url_must_be_a_redis_url(self):
        self.assertRefused("REDIS_URL", REDIS_URL="http://x")

    def test_task_backend_must_be_database_or_immediate(self):
        self.assertRefused("TASK_BACKEND", TASK_BACKEND="celery")

    def test_email_timeout_must_be_a_positive_number(self):
        self.assertRefused("EMAIL_TIMEOUT", EMAIL_TIMEOUT="0")

    def test_peertube_hosts_must_be_host_names(self):
        for value in ["https://framatube.org", "framatube.org:8443", "10.0.0.1", "localhost"]:
            with self.subTest(value):
                self.assertRefused("PEERTUBE_HOSTS", PEERTUBE_HOSTS=value)

    def test_embed_lookups_must_be_a_boolean(self):
        self.assertRefused("EMBED_LOOKUPS", EMBED_LOOKUPS="sometimes")

    def test_media_storage_must_be_local_or_s3(self):
        self.assertRefused("MEDIA_STORAGE", MEDIA_STORAGE="ftp")

    def test_media_on_s3_needs_its_public_address_and_bucket(self):
        bucket = {"MEDIA_STORAGE": "s3", "MEDIA_S3_BUCKET": "carnet-media"}
        self.assertRefused("MEDIA_PUBLIC_URL", **bucket)
        self.assertRefused("MEDIA_PUBLIC_URL", **bucket, MEDIA_PUBLIC_URL="media.example.com")
        self.assertRefused(
            "MEDIA_S3_BUCKET", MEDIA_STORAGE="s3", MEDIA_PUBLIC_URL="https://media.example.com"
        )

    def test_log_level_must_be_a_logging_level(self):
        self.assertRefused("LOG_LEVEL", LOG_LEVEL="verbose")

    def test_secret_key_is_required_when_debug_is_off(self):
        self.assertRefused("SECRET_KEY", DEBUG="0")
        self.assertRefused("SECRET_KEY", DEBUG="", SECRET_KEY="")
        result = import_settings()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr.strip().splitlines()[-1])

    def test_without_secret_key_the_key_file_is_read(self):
        with tempfile.NamedTemporaryFile("w", suffix=".key") as key_file:
            key_file.write("a-key-from-the-file\n")
            key_file.flush()
            result = import_settings(
                "import config.settings as s; print(s.SECRET_KEY)",
                DEBUG="0",
                SECRET_KEY_FILE=key_file.name,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "a-key-from-the-file")


class GoodSettingsTests(SimpleTestCase):
    def load(self, **env: str) -> dict:
        result = import_settings(SHOW, **env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_the_defaults_load_with_debug_on(self):
        settings = self.load(DEBUG="1")
        self.assertTrue(settings["DEBUG"])
        self.assertEqual(settings["ENGINE"], "django.db.backends.sqlite3")
        self.assertEqual(settings["NAME"], str(BASE_DIR / "var" / "carnet.sqlite3"))
        self.assertEqual(settings["CACHE"], "django.core.cache.backends.filebased.FileBasedCache")
        # Without a mail server, messages go to files, not into the logs.
        self.assertEqual(settings["MAIL"], "django.core.mail.backends.filebased.EmailBackend")
        self.assertEqual(settings["MAIL_OPTIONS"], {"file_path": str(BASE_DIR / "var" / "mail")})
        self.assertEqual(
            (settings["LANGUAGE_CODE"], settings["TIME_ZONE"]), ("fr", "Europe/Paris")
        )

    def test_production_values_load(self):
        settings = self.load(
            DEBUG="off",
            SECRET_KEY="a-real-secret",
            DATABASE_URL="postgres://carnet:p%40ss@db.example:5433/carnet",
            REDIS_URL="redis://cache.example:6379/0",
            EMAIL_HOST="smtp.example.com",
            EMAIL_PORT="465",
            EMAIL_USE_TLS="true",
            LANGUAGE_CODE="en",
            TIME_ZONE="UTC",
            ALLOWED_HOSTS="carnet.example, www.carnet.example",
            CSRF_TRUSTED_ORIGINS="https://carnet.example",
        )
        self.assertFalse(settings["DEBUG"])
        self.assertEqual(settings["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual(
            (settings["NAME"], settings["USER"], settings["HOST"], settings["PORT"]),
            ("carnet", "carnet", "db.example", "5433"),
        )
        self.assertEqual(settings["CACHE"], "sitewide.cache.RedisCache")
        self.assertEqual(settings["MAIL"], "django.core.mail.backends.smtp.EmailBackend")
        self.assertEqual((settings["LANGUAGE_CODE"], settings["TIME_ZONE"]), ("en", "UTC"))
        self.assertEqual(settings["ALLOWED_HOSTS"], ["carnet.example", "www.carnet.example"])
        self.assertEqual(settings["CSRF_TRUSTED_ORIGINS"], ["https://carnet.example"])

    def test_media_on_s3_is_read_from_its_origin_and_images_come_from_nowhere_else(self):
        show = (
            "import json, config.settings as s; print(json.dumps({'url': s.MEDIA_URL, "
            "'storage': s.STORAGES['default'], 'serve': s.SERVE_MEDIA, "
            "'img': s.SECURE_CSP['img-src'], 'admin_img': s.SECURE_CSP_ADMIN['img-src']}))"
        )
        result = import_settings(
            show,
            DEBUG="1",
            SERVE_MEDIA="1",
            MEDIA_STORAGE="S3",
            MEDIA_S3_BUCKET="carnet-media",
            MEDIA_S3_ENDPOINT_URL="https://s3.example.net",
            MEDIA_S3_REGION="fr-par",
            MEDIA_S3_ACCESS_KEY_ID="key",
            MEDIA_S3_SECRET_ACCESS_KEY="secret",
            MEDIA_PUBLIC_URL="https://media.example.com:8443/carnet",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        settings = json.loads(result.stdout)
        self.assertEqual(settings["url"], "https://media.example.com:8443/carnet/")
        self.assertEqual(settings["storage"]["BACKEND"], "sitewide.storage.S3MediaStorage")
        self.assertEqual(
            settings["storage"]["OPTIONS"],
            {
                "bucket_name": "carnet-media",
                "endpoint_url": "https://s3.example.net",
                "region_name": "fr-par",
                "access_key": "key",
                "secret_key": "secret",
                "default_acl": "public-read",
            },
        )
        self.assertFalse(settings["serve"])
        for policy in (settings["img"], settings["admin_img"]):
            self.assertEqual(policy, ["'self'", "data:", "https://media.example.com:8443"])

    def test_media_stays_on_the_local_disk_by_default(self):
        result = import_settings(
            "import config.settings as s; print(s.STORAGES['default']['BACKEND'], "
            "s.MEDIA_URL, *s.SECURE_CSP['img-src'])",
            DEBUG="1",
        )
        self.assertEqual(
            result.stdout.strip(),
            "django.core.files.storage.FileSystemStorage media/ 'self' data:",
        )

    def test_postgresql_keeps_the_plans_of_the_queries_run_often(self):
        url = "postgres://carnet@db.example/carnet"
        self.assertEqual(
            self.load(DEBUG="1", DATABASE_URL=url)["OPTIONS"],
            {"server_side_binding": True, "prepare_threshold": 5},
        )
        # Off for a pooler that cannot keep prepared statements; other options as given.
        self.assertEqual(
            self.load(DEBUG="1", DATABASE_URL=f"{url}?prepare_threshold=&sslmode=require")[
                "OPTIONS"
            ],
            {"server_side_binding": True, "prepare_threshold": None, "sslmode": "require"},
        )
        self.assertEqual(
            self.load(DEBUG="1", DATABASE_URL=f"{url}?server_side_binding=false")["OPTIONS"],
            {"server_side_binding": False, "prepare_threshold": 5},
        )

    def test_an_absolute_sqlite_path_loads(self):
        settings = self.load(DEBUG="true", DATABASE_URL="sqlite:////tmp/carnet-test.sqlite3")
        self.assertEqual(settings["NAME"], "/tmp/carnet-test.sqlite3")

    def test_log_level_is_read_in_any_case(self):
        result = import_settings(
            "import config.settings as s; print(s.LOGGING['root']['level'])",
            DEBUG="1",
            LOG_LEVEL="warning",
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "WARNING")

    def test_empty_values_mean_the_default(self):
        settings = self.load(DEBUG="1", EMAIL_PORT="", REDIS_URL="", TIME_ZONE="Europe/Paris")
        self.assertEqual(settings["CACHE"], "django.core.cache.backends.filebased.FileBasedCache")


# The production environment docs/operations.md documents (with a real key and hosts).
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz-_ABCDEF",
    "ALLOWED_HOSTS": "blog.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://blog.example.org",
    "SECURE_COOKIES": "true",
    "HSTS_SECONDS": "31536000",
    "HSTS_INCLUDE_SUBDOMAINS": "true",
    "HSTS_PRELOAD": "true",
    "SSL_REDIRECT": "true",
    "PROXY_SSL_HEADER": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "EMAIL_HOST": "smtp.example.org",
    "SITE_URL": "https://blog.example.org",
}


class DeployCheckTests(SimpleTestCase):
    def check_deploy(self, **env: str) -> subprocess.CompletedProcess:
        return import_settings(
            "import sys; from django.core.management import execute_from_command_line; "
            "execute_from_command_line(['manage.py', 'check', '--deploy'])",
            DJANGO_SETTINGS_MODULE="config.settings",
            **env,
        )

    def test_check_deploy_is_clean_with_the_documented_production_environment(self):
        result = self.check_deploy(**PRODUCTION_ENV)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_without_https_settings_check_deploy_warns(self):
        env = {**PRODUCTION_ENV, "HSTS_SECONDS": "", "SSL_REDIRECT": ""}
        result = self.check_deploy(**env)
        self.assertIn("security.W004", result.stderr + result.stdout)
        self.assertIn("security.W008", result.stderr + result.stdout)

    def test_without_the_sites_address_check_deploy_warns_of_the_newsletters_links(self):
        env = {**PRODUCTION_ENV, "SITE_URL": ""}
        result = self.check_deploy(**env)
        self.assertIn("newsletter.W001", result.stderr + result.stdout)
        self.assertIn("'http://127.0.0.1:8000'", result.stderr + result.stdout)

    def test_https_settings_are_off_by_default_and_read_from_the_environment(self):
        show = (
            "import json, config.settings as s; print(json.dumps([s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT, "
            "s.SECURE_PROXY_SSL_HEADER]))"
        )
        result = import_settings(show, DEBUG="1")
        self.assertEqual(json.loads(result.stdout), [0, False, False, False, None])
        result = import_settings(show, **PRODUCTION_ENV)
        self.assertEqual(
            json.loads(result.stdout),
            [31536000, True, True, True, ["HTTP_X_FORWARDED_PROTO", "https"]],
        )
