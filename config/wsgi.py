"""WSGI entry point, served by gunicorn (see config/gunicorn.conf.py)."""

import gc
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import get_ns_resolver

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
            # The URLconf imported (the views with it) and indexed for reverse() in this
            # language: each worker's first request did it, 110 ms of CPU (issue 21).
            _index(get_resolver())


def _index(resolver: URLResolver, prefix: str = "", converters: tuple = ()) -> None:
    """Index a resolver for reverse() in the current language, and its namespaces (the
    admin's, each app's) as reverse() looks them up: those under a prefix ("admin/",
    "author/") through a resolver of their own that Django builds on first use."""
    resolver.reverse_dict  # noqa: B018
    for extra, namespace in resolver.namespace_dict.values():
        inner = (*converters, *namespace.pattern.converters.items())
        if prefix + extra:
            get_ns_resolver(prefix + extra, namespace, inner).reverse_dict  # noqa: B018
        _index(namespace, prefix + extra, inner)


_warm()
# What the master made (Django, the compiled templates, the URLconf) set aside from the
# collector, which the workers inherit: each worker's first full collection scanned it
# all, 100 ms of CPU (300-400 ms at the 99th percentile under load) in its first
# seconds of requests. Collected first, so that no garbage is kept with it.
gc.collect()
gc.freeze()
