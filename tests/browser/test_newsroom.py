"""The newsroom: a contributor submits an article, the editor-in-chief reviews it, compares
and restores a revision, schedules it, and readers see it once its time has come.

axe runs on every admin page the journey touches, and on the admin's article list and
forms and page form in both themes."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_writing import paste

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Les glaciers du Pamir reculent"


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.locator("#user-tools")).to_be_visible()


def write_body(page, html: str) -> None:
    """Replace the body in the rich-text editor, as pasting the text over it would."""
    page.locator(".tiptap.ProseMirror").click()
    page.keyboard.press("Control+A")
    paste(page, html)


def test_a_contributor_submits_and_the_editor_in_chief_reviews_and_schedules(newsroom, browsing):
    from blog.models import Article
    from sitewide.pagecache import pages_changed

    # The contributor writes a draft, saves it, then changes it and submits it.
    contributor = browsing()
    page = contributor.page
    log_in(page, "contributor")
    contributor.go("/admin/blog/article/add/")
    expect(page.locator("#id_status")).to_have_count(0)  # no status to choose
    contributor.assert_accessible("article form (contributor)")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_title").press("Tab")
    page.locator("#id_standfirst").fill("Les relevés de l'été confirment la tendance.")
    write_body(page, "<h2>Sur le terrain</h2><p>Le glacier Fedtchenko a perdu un kilomètre.</p>")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator(".messagelist .success").first).to_be_visible()
    write_body(
        page, "<h2>Sur le terrain</h2><p>Le glacier Fedtchenko a perdu deux kilomètres.</p>"
    )
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.locator(".messagelist")).to_contain_text(f"« {TITLE} » : Soumis à la relecture.")
    expect(page.locator("#result_list")).to_contain_text("En relecture")
    contributor.assert_accessible("article list (contributor)")

    # The editor-in-chief is told by email.
    article = Article.objects.get(title=TITLE)
    review_mail = [message for message in mail.outbox if "editor@carnet.invalid" in message.to]
    assert len(review_mail) == 1, [message.subject for message in mail.outbox]
    assert f"/admin/blog/article/{article.pk}/change/" in review_mail[0].body

    # A submitted article is no longer the contributor's to change.
    contributor.go(f"/admin/blog/article/{article.pk}/change/")
    expect(page.locator("#id_title")).to_have_count(0)

    # The editor-in-chief finds it among the articles in review.
    chief = browsing()
    page = chief.page
    log_in(page, "editor")
    chief.go("/admin/blog/article/")
    page.locator("#changelist-filter").get_by_role("link", name="En relecture").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)  # with the demo's own
    chief.assert_accessible("article list filtered by status")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#id_title")).to_have_value(TITLE)
    chief.assert_accessible("article form (editor-in-chief)")

    # History: two revisions; compare them, then restore the first.
    page.get_by_role("link", name="Historique").click()
    expect(page.locator("#revision-list tbody tr")).to_have_count(2)
    expect(page.locator("#revision-list")).to_contain_text("Soumis à la relecture.")
    chief.assert_accessible("revisions")
    page.get_by_role("button", name="Comparer les versions sélectionnées").click()
    body = page.locator(".revision-diff", has=page.get_by_role("heading", name="Corps"))
    expect(body.locator("del")).to_have_text(["un", "kilomètre"])
    expect(body.locator("ins")).to_have_text(["deux", "kilomètres"])
    chief.assert_accessible("comparison")
    page.get_by_role("link", name="Restaurer la version la plus ancienne…").click()
    expect(page.get_by_role("button", name="Restaurer cette version")).to_be_visible()
    chief.assert_accessible("restore confirmation")
    page.get_by_role("button", name="Restaurer cette version").click()
    expect(page.locator(".messagelist")).to_contain_text("conservée comme nouvelle version")
    expect(page.locator("#revision-list tbody tr")).to_have_count(3)
    article.refresh_from_db()
    assert "perdu un kilomètre" in article.body_html
    assert article.status == Article.Status.IN_REVIEW  # a restore publishes nothing

    # Scheduled for tomorrow at 08:00.
    chief.go(f"/admin/blog/article/{article.pk}/change/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_published_at_0").fill(tomorrow.strftime("%d/%m/%Y"))
    page.locator("#id_published_at_1").fill("08:00:00")
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".messagelist")).to_contain_text(
        re.compile(
            # French spacing: narrow no-break spaces in the guillemets, a no-break one before ":"
            rf"«\u202f{TITLE}\u202f»\u00a0: Programmé pour le {tomorrow.day} \S+ "
            rf"{tomorrow.year} à 8\u00a0h\u00a000"
        )
    )
    row = page.locator("#result_list tr", has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("Programmé pour le")
    chief.assert_accessible("article list with a scheduled article")

    # Readers see nothing before its time…
    reader = browsing()
    reader.go(article.get_absolute_url(), status=404)
    reader.go("/")
    expect(reader.page.get_by_role("link", name=TITLE)).to_have_count(0)

    # …and the restored article once its time has come (the row's time moved, and the
    # kept pages dropped, as their max-age would; a new reader, whose browser has kept
    # nothing either).
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    pages_changed()
    reader = browsing()
    reader.go("/")
    reader.page.get_by_role("link", name=TITLE).click()
    expect(reader.page.locator("h1")).to_have_text(TITLE)
    expect(reader.page.locator(".article__body h2")).to_have_text("Sur le terrain")
    expect(reader.page.locator(".article__body")).to_contain_text("perdu un kilomètre")
    reader.assert_accessible("the published article")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_admins_article_and_page_screens_have_no_axe_violations(newsroom, browsing, theme):
    from pages.models import Page

    chief = browsing(color_scheme=theme)
    page = chief.page
    log_in(page, "editor")
    about = Page.objects.get(slug="a-propos")
    screens = {
        "index": "/admin/",
        "article list": "/admin/blog/article/",
        "article list, scheduled": "/admin/blog/article/?state=scheduled",
        "new article": "/admin/blog/article/add/",
        "seed article": f"/admin/blog/article/{newsroom.pk}/change/",
        "seed revisions": f"/admin/blog/article/{newsroom.pk}/history/",
        "page list": "/admin/pages/page/",
        "new page": "/admin/pages/page/add/",
        "page": f"/admin/pages/page/{about.pk}/change/",
    }
    for name, path in screens.items():
        response = chief.go(path)
        assert response.status == 200
        expect(page.locator("#site-name")).to_contain_text("Actualité Houssenia Writing")
        chief.assert_accessible(f"{name} ({theme})")

    # The article form sent with an error: the error is next to its field, still accessible.
    chief.go("/admin/blog/article/add/")
    page.locator("#id_title").fill("Sans corps")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".field-body .errorlist")).to_be_visible()
    chief.assert_accessible(f"article form with an error ({theme})")

    # No favicon is missing: the admin names the site's own.
    icon = page.locator('link[rel="icon"]')
    expect(icon).to_have_attribute("href", re.compile(r"favicon\.svg$"))
    assert chief.context.request.get(icon.get_attribute("href")).ok
