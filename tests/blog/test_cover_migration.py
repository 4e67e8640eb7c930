"""blog 0010 moves each article's cover file into the image library, and back."""

import tempfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase, override_settings

from tests.base import jpeg

BEFORE = [
    ("blog", "0010_publish_permission_and_status_help"),
    ("editing", "0001_image_library_and_autosave"),
]
AFTER = [("blog", "0013_resanitise_bodies_for_library_images")]


class CoverMigrationTests(TransactionTestCase):
    def setUp(self):
        media = tempfile.TemporaryDirectory(prefix="carnet-test-media-")
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))
        self.executor = MigrationExecutor(connection)
        self.addCleanup(self.migrate, self.executor.loader.graph.leaf_nodes())

    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def test_covers_move_into_the_library_with_their_alt_text_caption_and_renditions(self):
        apps = self.migrate(BEFORE)
        User = apps.get_model("accounts", "User")
        Article = apps.get_model("blog", "Article")
        author = User.objects.create(username="migrated")
        name = default_storage.save("covers/2026/03/alpes.jpg", ContentFile(jpeg(1000, 500)))
        common = {"author": author, "body": "", "status": "published"}
        Article.objects.create(
            slug="with-cover", title="With", cover=name, cover_alt="A ridge",
            cover_caption="The Alps", **common,
        )  # fmt: skip
        Article.objects.create(slug="no-alt", title="Untold", cover=name, **common)
        Article.objects.create(slug="lost", title="Lost", cover="covers/gone.jpg", **common)
        Article.objects.create(
            slug="bare", title="Bare", body='<p>x<img src="https://elsewhere.example/a.jpg"></p>',
            body_html='<p>x<img src="https://elsewhere.example/a.jpg"></p>', author=author,
            status="published",
        )  # fmt: skip

        apps = self.migrate(AFTER)
        Article = apps.get_model("blog", "Article")
        covers = {a.slug: a.cover for a in Article.objects.select_related("cover")}
        self.assertIsNone(covers["bare"])
        # Saved before, its body kept an image of another site: not any more.
        self.assertEqual(Article.objects.get(slug="bare").body_html, "<p>x</p>")
        cover = covers["with-cover"]
        self.assertEqual(cover.file.name, name)
        self.assertEqual((cover.alt, cover.caption), ("A ridge", "The Alps"))
        self.assertEqual((cover.width, cover.height, cover.renditions), (1000, 500, [480, 800]))
        self.assertTrue(default_storage.exists("covers/2026/03/alpes-480w.jpg"))
        self.assertEqual(covers["no-alt"].alt, "Untold")  # the title stands in, never empty
        self.assertIsNone(covers["lost"])  # its file was gone: the page showed no cover

        apps = self.migrate(BEFORE)
        Article = apps.get_model("blog", "Article")
        back = Article.objects.get(slug="with-cover")
        self.assertEqual(
            (back.cover.name, back.cover_alt, back.cover_caption), (name, "A ridge", "The Alps")
        )
