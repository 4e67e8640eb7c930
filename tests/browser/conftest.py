"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

No browser is ever downloaded: `make test` installs Debian's chromium when it is missing,
and these tests are skipped, saying why, only when /usr/bin/chromium is absent.
"""

import io
import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import override_settings
from PIL import Image, ImageChops
from playwright.sync_api import expect

# Playwright's sync API runs an event loop; Django's ORM calls in the test thread are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# CI has two cores shared with the live server: give assertions room before they fail.
expect.set_options(timeout=10_000)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "browser-tests-demo-password"


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """Connections in threads, as the browser expects; their requests one at a time.

    On the in-memory SQLite test database, every request thread shares the test's one
    connection, which SQLite cannot run two statements on at once: an autosave posted
    while the form is submitted failed with "database table is locked". A real site has a
    connection per worker and waits for the lock instead.
    """

    # Once a test is over, its pages may still have a request on its way (a form's
    # heartbeat, a beacon as a tab closes) while the database is emptied: it is answered
    # 503 without reaching Django, which would touch the database (see `browsing`).
    refusing = False

    def set_app(self, application):
        lock = self.lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                if self.refusing:
                    start_response("503 Service Unavailable", [("Content-Length", "0")])
                    return [b""]
                return application(environ, start_response)

        super().set_app(one_at_a_time)


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, its requests in turn when they share one connection.

    It starts once the test database exists: made before, it saw the file database of
    the settings, shared nothing, and each request thread opened its own connection to
    the in-memory database, where two requests at once fail with "database table is
    locked" instead of waiting (a session saved by /admin/jsi18n/ beside a page's).
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost",
        start=False,
    )
    if server.thread.connections_override:
        server.thread.server_class = OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: `make test` installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory) -> Path:
    """Where screenshots go: a temporary folder, so that no test writes a tracked file.

    `make screenshots` sets CARNET_SCREENSHOTS_DIR=docs/screenshots to refresh the README's.
    """
    folder = os.environ.get("CARNET_SCREENSHOTS_DIR")
    return Path(folder).resolve() if folder else tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="package")
def browser_settings(tmp_path_factory):
    """Uploads go to a temporary folder; the comment form's anti-bot timers are off.

    Package-scoped so that the overrides end with the browser tests instead of leaking
    into the tests that run after them.
    """
    with override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        ROOT_URLCONF="tests.browser.urls",
        COMMENTS_FLOOD_SECONDS=0,
        # The demo's accounts sign in with the password alone, as under `make run`.
        TWO_STEP_REQUIRED=False,
        # An open form says so when it loads, then not again during a test: on the
        # in-memory database the server shares the test's one connection, which a beat
        # arriving while the test reads the database would find locked.
        EDITING_PRESENCE_SECONDS=3600,
    ):
        yield


@pytest.fixture(scope="package")
def demo_covers(browser_settings):
    """The demo's covers uploaded once for the browser tests, not once a test.

    Each test starts from an emptied database, so load_demo's ensure_cover uploaded every
    cover again: drawn, re-encoded, two renditions each (about half a second of CPU for
    the front page's dozen, on every test that has it). The files stay in the package's
    MEDIA_ROOT: a later test gets a library row naming the same file, size and renditions
    as the first upload, which the pages show as they showed the upload.
    """
    from blog.models import Article
    from demo import content
    from editing.models import Image

    upload = content.ensure_cover
    uploaded: dict[str, Image] = {}

    def ensure_cover(article, make_jpeg, alt: str, caption: str = "") -> Image:
        first = uploaded.get(article.slug)
        if article.cover_id or first is None or not first.file.storage.exists(first.file.name):
            uploaded[article.slug] = upload(article, make_jpeg, alt=alt, caption=caption)
            return uploaded[article.slug]
        cover = Image.objects.create(
            file=first.file.name,
            width=first.width,
            height=first.height,
            renditions=first.renditions,
            alt=alt,
            caption=caption,
        )
        Article.objects.filter(pk=article.pk).update(cover=cover)
        article.cover = cover
        return cover

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(content, "ensure_cover", ensure_cover)
        yield


@pytest.fixture
def demo(browser_settings, live_server, demo_covers):
    """The demo site of `make run`: the seed article, its author and the demo accounts."""
    from demo import content as demo

    # The Editors and Moderators groups are there: a flush re-emits post_migrate.
    demo.ensure_site_settings()
    accounts = demo.ensure_accounts(DEMO_PASSWORD)
    article = demo.ensure_seed_article(accounts.users["editor"])
    return article


@pytest.fixture
def newsroom(demo):
    """The demo's pages and the seed's revisions, as load_demo makes them."""
    from accounts.models import User
    from demo import content

    editor = User.objects.get(username="editor")
    content.ensure_seed_revisions(demo, editor)
    content.ensure_pages(editor)
    content.ensure_review_article(User.objects.get(username="contributor"))
    return demo


@pytest.fixture
def front_page(demo):
    """The whole demo of `make run`: the seed article and the dozen around it, in four
    categories, with covers, tags, a lead story and a few approved comments."""
    from accounts.models import User
    from demo import content as demo_content

    demo_content.ensure_seed_comment(demo, User.objects.get(username="moderator"))
    return demo_content.ensure_front_page(
        User.objects.get(username="editor"), User.objects.get(username="moderator")
    )


@pytest.fixture
def approved_comment(demo):
    """An approved reader comment on the seed article, as on the seed page."""
    from comments.models import Comment

    return Comment.objects.create(
        article=demo,
        name="pascal",
        email="pascal@example.invalid",
        body="N’importe quoi.",
        status=Comment.Status.APPROVED,
    )


class Browsing:
    """A page in a fresh browser context, with helpers that assert what a reader sees."""

    def __init__(self, browser, base_url: str, screenshots_dir: Path, **context_options):
        self.base_url = base_url
        self.screenshots_dir = screenshots_dir
        self.context = browser.new_context(
            base_url=base_url,
            viewport=context_options.pop("viewport", DESKTOP),
            # A French reader unless a test says otherwise: Accept-Language picks the language.
            locale=context_options.pop("locale", "fr-FR"),
            **context_options,
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        # Every request to another site, in order; only those to allowed_origins (a test
        # that clicks a video's play link, say) are not errors.
        self.third_party_requests: list[str] = []
        self.allowed_origins: tuple[str, ...] = ()
        # CSP refusals and script errors are logged to the console; a 404 is the test's own.
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        # Carnet makes no third-party request: everything comes from the site itself.
        self.page.on("request", self._on_request)

    def _on_request(self, request) -> None:
        if request.url.startswith((self.base_url, "data:")):
            return
        self.third_party_requests.append(request.url)
        if not request.url.startswith(self.allowed_origins):
            self.console_errors.append(f"third-party request: {request.url}")

    def _on_console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def go(self, path: str, status: int = 200):
        response = self.page.goto(path)
        assert response is not None and response.status == status, (
            f"GET {path}: expected {status}, got {response and response.status}"
        )
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
        return response

    def assert_accessible(self, label: str = "") -> None:
        """axe-core finds no WCAG 2.x A/AA violation on the current page."""
        # axe reads colours as they are drawn: a transition still running (the admin's
        # links and buttons fade to their colours) would be measured half-way.
        self.page.evaluate(
            """() => Promise.all(document.getAnimations()
                .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
                .map((a) => a.finished.catch(() => null)))"""
        )
        # axe-core (570 kB) is injected once per document, not once per sweep: a page
        # checked in both themes and on two screens (assert_accessible_everywhere) parsed
        # it four times. A navigation gives a new window, which has no axe yet.
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SCRIPT)
        response = self.page.evaluate(
            "options => axe.run(document, options)",
            {
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                },
                "resultTypes": ["violations"],
                # axe re-reads the page's stylesheets for one rule (css-orientation-lock),
                # following each @import by its written address and pasting what it got
                # into a <style> the page's policy refuses: the editor's stylesheet
                # imports the package's into a cascade layer. No stylesheet of Carnet's
                # locks the orientation (tests/editing/test_editor.py checks it).
                "preload": False,
            },
        )
        results = AxeResults(response)
        violations = results.response["violations"]
        assert violations == [], (
            f"axe found {len(violations)} violation(s) on {label or self.page.url}:\n"
            + results.generate_report()
        )

    def screenshot(self, name: str) -> Path:
        """Write <screenshots_dir>/<name>.png, unless the picture there is already this one."""
        png = self.page.screenshot()
        path = self.screenshots_dir / f"{name}.png"
        if not (path.exists() and _same_pixels(path.read_bytes(), png)):
            self.screenshots_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
        return path

    def close(self) -> None:
        self.context.close()


def _same_pixels(png: bytes, other: bytes) -> bool:
    """Equal to the eye: Chromium's image scaling varies by a few levels from run to run."""
    with Image.open(io.BytesIO(png)) as first, Image.open(io.BytesIO(other)) as second:
        if first.size != second.size:
            return False
        difference = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
        return all(highest <= 8 for _lowest, highest in difference.getextrema())


@pytest.fixture
def browsing(browser, live_server, screenshots_dir):
    """Open browser contexts, closed after the test.

    A test fails if its pages logged an error (a CSP refusal, a script error) or asked
    anything of another site.
    """
    opened: list[Browsing] = []
    server = live_server.thread.httpd
    server.refusing = False

    def open_context(**options) -> Browsing:
        context = Browsing(browser, live_server.url, screenshots_dir, **options)
        opened.append(context)
        return context

    yield open_context
    errors = [error for context in opened for error in context.console_errors]
    if isinstance(server, OneRequestAtATimeServer):
        with server.lock:  # after the request being answered, if any
            server.refusing = True
    for context in opened:
        context.close()
    assert errors == [], "the browser console logged errors:\n" + "\n".join(errors)


@pytest.fixture
def reader(browsing) -> Browsing:
    return browsing()
