"""WSGI entry point, served by gunicorn (see config/gunicorn.conf.py)."""

import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()


def _warm() -> None:
    """Compile the readers' templates and load both languages' catalogues once, in the
    master gunicorn forks its workers from (preload_app): a worker that replaces one
    after max_requests serves its first pages as fast as its thousandth, where compiling
    them showed as a tail of slow answers at the 99th percentile."""
    from django.conf import settings
    from django.template.loader import get_template
    from django.utils import translation

    folder = Path(settings.BASE_DIR) / "templates"
    for name in ["base.html", "404.html"] + [
        str(path.relative_to(folder))
        for part in ["blog", "includes", "comments", "pages", "accounts"]
        for path in sorted((folder / part).glob("*.html"))
    ]:
        get_template(name)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Comments")


_warm()
