"""Roles as a contributor meets them: what was submitted is not theirs to delete, in bulk
or alone, the cover of another author's published article is not theirs to change, and
a page their role does not open says so inside the admin.

axe runs on each admin page the journey touches."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_newsroom import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_contributor_cannot_delete_their_submitted_article_nor_change_anothers_cover(
    newsroom,
    browsing,
):
    from blog.models import Article
    from demo.content import REVIEW_ARTICLE

    contributor = browsing()
    page = contributor.page
    log_in(page, "contributor")

    # The bulk delete of the changelist refuses the article in review, and says why.
    contributor.go("/admin/blog/article/")
    row = page.locator("#result_list tbody tr", has_text=REVIEW_ARTICLE["title"])
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("delete_selected")
    page.locator(".actions button[name=index]").click()
    expect(page.locator(".messagelist .error")).to_contain_text("Rien n’a été supprimé")
    expect(page.locator(".messagelist .error")).to_contain_text(REVIEW_ARTICLE["title"])
    contributor.assert_accessible("refused bulk delete")
    assert Article.objects.filter(slug=REVIEW_ARTICLE["slug"]).exists()

    # Its page has no delete link either.
    page.get_by_role("link", name=REVIEW_ARTICLE["title"]).click()
    expect(page.locator("#content h1")).to_be_visible()
    expect(page.get_by_role("link", name="Supprimer")).to_have_count(0)

    # The seed article's cover, an image of the library, is shown read only.
    contributor.go(f"/admin/editing/image/{newsroom.cover_id}/change/")
    expect(page.locator("#id_alt")).to_have_count(0)
    expect(page.locator("#id_file")).to_have_count(0)
    expect(page.locator(".field-alt")).to_contain_text(newsroom.cover.alt)
    contributor.assert_accessible("another author's cover, read only")

    # A page their role does not open is a page of the admin, in French, with a way back.
    contributor.go("/admin/sitewide/sitesettings/", status=403)
    expect(page.locator("#content")).to_contain_text("Votre rôle ne le permet pas.")
    contributor.assert_accessible("a refusal")
    page.get_by_role("link", name="Retour à l’accueil de l’administration").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
