"""axe-core finds no WCAG 2.2 A/AA violation on the public pages, in both languages and themes."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def public_pages(article) -> dict[str, str]:
    published = timezone.localtime(article.published_at)
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "category": article.category.get_absolute_url(),
        "tag": "/tag/russie/",
        "author": article.author.get_absolute_url(),
        "search": "/search/?q=talibans",
        "search, nothing found": "/search/?q=xylophone",
        "archive": f"/archive/{published.year}/{published.month}/",
        "year archive": f"/archive/{published.year}/",
        "archive index": "/archive/",
        "tag index": "/tag/",
        "newsletter sign-up": "/newsletter/",
        "newsletter sign-up sent": "/newsletter/sent/",
        "corrections": "/corrections/",
    }


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_public_pages_have_no_axe_violations(
    demo, front_page, approved_comment, browsing, language, theme, device
):
    phone = device == "phone"
    reader = browsing(
        locale=language, color_scheme=theme, viewport=PHONE if phone else DESKTOP, is_mobile=phone
    )
    prefix = "" if language == "fr" else f"/{language}"
    # A correction notice at the top of the story, and on the corrections page.
    from blog.models import Correction

    Correction.objects.get_or_create(
        article=demo, defaults={"text": "Une version précédente donnait une autre date."}
    )
    for name, path in public_pages(demo).items():
        reader.go(prefix + path)
        expect(reader.page.locator("html")).to_have_attribute("lang", language)
        expect(reader.page.locator("h1")).to_have_count(1)
        reader.assert_accessible(f"{name} ({language}, {theme}, {device})")
        if phone and name == "home":
            # The menu folded into the header, opened.
            reader.page.locator(".site-menu summary").click()
            expect(reader.page.locator(".site-menu .category-menu")).to_be_visible()
            reader.assert_accessible(f"{name}, menu open ({language}, {theme}, {device})")

    # The article again, its comment form sent empty: the errors must be accessible too.
    reader.go(prefix + demo.get_absolute_url())
    expect(reader.page.locator(f"#comment-{approved_comment.pk}")).to_be_visible()
    reader.page.locator('#comment-form button[type="submit"]').click()
    expect(reader.page.locator("#error-summary")).to_be_focused()
    expect(reader.page.locator("h1")).to_have_count(1)
    reader.assert_accessible(f"article with form errors ({language}, {theme})")
    # The commenter's own pages: their comments, opened by a mailed link, then the page
    # that asks for a link and the pages a mailed link opens.
    from comments import links

    reader.go(prefix + links.path_for(links.MANAGE, links.make_manage(approved_comment.email)))
    expect(reader.page.locator("main")).to_contain_text(approved_comment.body)
    expect(reader.page.locator("h1")).to_have_count(1)
    reader.assert_accessible(f"the commenter's comments ({language}, {theme}, {device})")
    for name, path in {
        "ask for a manage link": "/comments/manage/",
        "a confirmation link's page": "/comments/confirm/",
        "a manage link's page": "/comments/manage/open/",
    }.items():
        reader.go(prefix + path)
        expect(reader.page.locator("h1")).to_have_count(1)
        reader.assert_accessible(f"{name} ({language}, {theme}, {device})")

    # The pages a newsletter subscriber's mailed links open, in the subscriber's edition.
    from tests.base import make_subscriber

    subscriber = make_subscriber(language=language, confirmed_at=None)
    for name, path in {
        "newsletter confirmation": subscriber.confirm_url(),
        "newsletter manage page": subscriber.manage_url(),
        "newsletter erase page": f"{subscriber.manage_url()}erase/",
        "newsletter unsubscribe page": subscriber.unsubscribe_url(),
    }.items():
        reader.go(path)
        expect(reader.page.locator("h1")).to_have_count(1)
        reader.assert_accessible(f"{name} ({language}, {theme}, {device})")

    reader.go(f"{prefix}/no-such-page/", status=404)
    expect(reader.page.locator("h1")).to_have_count(1)
    reader.assert_accessible(f"404 ({language}, {theme})")


def test_the_axe_check_reports_what_it_finds(browser_settings, reader):
    reader.page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        reader.assert_accessible("a page with an image without alt text")
