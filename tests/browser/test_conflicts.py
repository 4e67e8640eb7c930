"""Two editors on one article: no save overwrites the other's unseen, nothing typed is lost.

admin and the editor-in-chief open the seed article, the second told the first has it
open; admin saves first; the editor's save is refused with a conflict page that keeps
their text, and a merge keeps both changes. axe runs on the form with its notice, the
conflict page and the deleted-meanwhile page, light and dark, desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_editing import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

STANDFIRST = "Moscou et les Talibans, un rapprochement pragmatique face à Daesh."
DESCRIPTION = "Pourquoi la Russie parle aux Talibans : l’analyse."


def assert_accessible_everywhere(browsing, label: str) -> None:
    """axe on the page as it is, in both themes, on a desktop and on a phone."""
    page = browsing.page
    for scheme in ["light", "dark"]:
        for name, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
            page.emulate_media(color_scheme=scheme)
            page.set_viewport_size(viewport)
            browsing.assert_accessible(f"{label} ({scheme}, {name})")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)


def test_two_editors_race_and_the_second_merges_without_losing_anything(demo, browsing):
    from blog.models import Article

    url = f"/admin/blog/article/{demo.pk}/change/"
    first, second = browsing(), browsing()
    log_in(first.page, "admin")
    log_in(second.page, "editor")
    first.go(url)
    second.go(url)
    # The second to open the form is told who has it open already.
    notice = second.page.locator(".presence__others")
    expect(notice).to_contain_text("Administrateur (depuis ")
    expect(notice).to_contain_text("a aussi ce formulaire ouvert")
    assert_accessible_everywhere(second, "the article form naming who else has it open")

    first.page.locator("#id_seo_description").fill(DESCRIPTION)
    first.page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(first.page.locator(".messagelist .success")).to_be_visible()

    page = second.page
    page.locator("#id_standfirst").fill(STANDFIRST)
    with page.expect_response(lambda response: response.url.endswith("/change/")) as sent:
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert sent.value.status == 409
    expect(page.locator("h1")).to_contain_text("a été enregistré par quelqu’un d’autre")
    expect(page.locator(".conflict__meanwhile")).to_contain_text("Administrateur")
    # Their text is kept on the page; what only the other changed is theirs by default.
    expect(page.locator('input[type="hidden"][name="standfirst"]')).to_have_value(STANDFIRST)
    expect(page.get_by_role("group", name="Chapô")).to_contain_text("modifié par vous")
    expect(page.locator("#take-mine-standfirst")).to_be_checked()
    expect(page.locator("#take-theirs-seo_description")).to_be_checked()
    assert_accessible_everywhere(second, "the conflict page")
    demo.refresh_from_db()
    assert demo.seo_description == DESCRIPTION and demo.standfirst != STANDFIRST

    page.get_by_role("button", name="Continuer dans le formulaire avec ces choix").click()
    expect(page.locator(".messagelist")).to_contain_text("rien n’est encore enregistré")
    expect(page.locator("#id_standfirst")).to_have_value(STANDFIRST)
    expect(page.locator("#id_seo_description")).to_have_value(DESCRIPTION)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    saved = Article.objects.get(pk=demo.pk)
    assert saved.standfirst == STANDFIRST
    assert saved.seo_description == DESCRIPTION


def test_an_article_deleted_while_it_is_edited_becomes_a_new_draft(demo, browsing):
    from blog.models import Article

    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    editor.go(f"/admin/blog/article/{demo.pk}/change/")
    page.locator("#id_standfirst").fill(STANDFIRST)
    title = demo.title
    Article.objects.filter(pk=demo.pk).delete()

    with page.expect_response(lambda response: response.url.endswith("/change/")) as sent:
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert sent.value.status == 409
    expect(page.locator("h1")).to_contain_text("a été supprimé pendant que vous le modifiiez")
    expect(page.locator("#content-main")).to_contain_text(STANDFIRST)
    assert_accessible_everywhere(editor, "the deleted-meanwhile page")

    page.get_by_role("button", name="L’enregistrer comme nouveau brouillon…").click()
    expect(page.locator("#id_title")).to_have_value(title)
    expect(page.locator("#id_standfirst")).to_have_value(STANDFIRST)
    expect(page.locator("#id_status")).to_have_value("draft")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    draft = Article.objects.get(title=title)
    assert draft.standfirst == STANDFIRST and draft.status == Article.Status.DRAFT


def test_recovered_text_typed_before_another_save_is_a_conflict_not_an_overwrite(demo, browsing):
    url = f"/admin/blog/article/{demo.pk}/change/"
    editor = browsing()
    page = editor.page
    log_in(page, "editor")
    editor.go(url)
    page.locator("#id_standfirst").fill(STANDFIRST)
    expect(page.locator(".autosave__status")).to_contain_text("Brouillon conservé")
    page.close()  # the tab is lost, its text kept as a draft

    admin = browsing()
    log_in(admin.page, "admin")
    admin.go(url)
    admin.page.locator("#id_seo_description").fill(DESCRIPTION)
    admin.page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(admin.page.locator(".messagelist .success")).to_be_visible()

    # The draft comes back with the revision it was typed on: saving it asks first.
    page = editor.page = editor.context.new_page()
    editor.go(url)
    page.locator(".autosave__offer").get_by_role("button", name="Le récupérer").click()
    expect(page.locator("#id_standfirst")).to_have_value(STANDFIRST)
    with page.expect_response(lambda response: response.url.endswith("/change/")) as sent:
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert sent.value.status == 409
    expect(page.locator("#take-mine-standfirst")).to_be_checked()
    expect(page.locator("#take-theirs-seo_description")).to_be_checked()
    demo.refresh_from_db()
    assert demo.seo_description == DESCRIPTION
