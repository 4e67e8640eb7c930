"""The newsroom's workflow as its people live it: addresses that write out French
letters, an article dated by the click that publishes it."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sitewide.slugs import slugify
from tests.browser.test_newsroom import log_in, write_body

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Au cœur des tensions"


def test_address_fields_write_out_french_letters_as_the_server_does(demo, browsing):
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    for form, title in [
        ("/admin/blog/article/add/", "#id_title"),
        ("/admin/blog/category/add/", "#id_name"),
        ("/admin/pages/page/add/", "#id_title"),
    ]:
        editor.go(form)
        page.locator(title).fill(TITLE)
        page.locator(title).press("Tab")
        expect(page.locator("#id_slug")).to_have_value("au-coeur-des-tensions")
    titles = ["L’été de l'Œuvre", "Straße, Ærø et Łódź", "Paris–Berlin/Moscou", "Þórður"]
    in_the_browser = page.evaluate("titles => titles.map(t => URLify(t, 200))", titles)
    assert in_the_browser == [slugify(title) for title in titles]
    # Off the form, so that its autosave on leaving is not cut short by the test's end.
    editor.go("/admin/")


def test_an_article_is_dated_by_the_click_that_publishes_it(newsroom, browsing):
    from blog.models import Article

    # The contributor opens the form and writes for a few minutes before submitting.
    started = timezone.now() - datetime.timedelta(minutes=5)
    contributor = browsing()
    page = contributor.page
    with mock.patch("django.utils.timezone.now", return_value=started):
        log_in(page, "contributor")
        contributor.go("/admin/blog/article/add/")
        page.locator("#id_title").fill(TITLE)
        page.locator("#id_title").press("Tab")
        write_body(page, "<p>Les négociations ont repris à Genève.</p>")
        page.get_by_role("button", name="Soumettre à la relecture").click()
        expect(page.locator(".messagelist .success").first).to_be_visible()
    article = Article.objects.get(title=TITLE)
    assert article.published_at is None

    # The editor-in-chief publishes it, the form's time left as it was offered: empty.
    chief = browsing()
    page = chief.page
    log_in(page, "editor")
    chief.go(f"/admin/blog/article/{article.pk}/change/")
    expect(page.locator("#id_published_at_0")).to_have_value("")
    clicked = timezone.now().replace(microsecond=0)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".messagelist")).to_contain_text("Publié.")
    article.refresh_from_db()
    assert clicked <= article.published_at <= timezone.now()

    reader = browsing()
    reader.go(article.get_absolute_url())
    published = timezone.localtime(article.published_at).isoformat()
    expect(reader.page.locator(".article__header time").first).to_have_attribute(
        "datetime", published
    )
