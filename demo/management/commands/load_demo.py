import os
import sys

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from demo import content
from sitewide import languages
from sitewide.management import statistics


class Command(BaseCommand):
    help = (
        "Load the demo site built from the seed article page, with the demo accounts "
        "admin, editor, moderator and contributor, and the site's pages. Safe to run "
        "again: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            metavar="N",
            help="Also make sure N generated articles exist (for pagination and benchmarks).",
        )
        parser.add_argument(
            "--comments",
            type=int,
            default=0,
            metavar="M",
            help="Also make sure M generated reader comments exist, spread over the articles.",
        )

    def handle(self, *args, articles: int, comments: int, verbosity: int, **options) -> None:
        if articles < 0 or comments < 0:
            self.stderr.write("--articles and --comments must be zero or more.")
            sys.exit(2)
        password = os.environ.get("CARNET_DEMO_PASSWORD") or None
        with transaction.atomic():
            content.ensure_site_settings()
            accounts = content.ensure_accounts(password)
            article = content.ensure_seed_article(accounts.users["editor"])
            content.ensure_seed_comment(article, accounts.users["moderator"])
            content.ensure_front_page(accounts.users["editor"], accounts.users["moderator"])
            content.ensure_translated_pair(accounts.users["editor"])
            content.ensure_corrections(accounts.users["editor"])
            content.ensure_seed_revisions(article, accounts.users["editor"])
            content.ensure_review_article(accounts.users["contributor"])
            content.ensure_pages(accounts.users["editor"])
        with languages.in_site_language():
            self.stdout.write(f"Seed article: {article.get_absolute_url()}")
        if accounts.created:
            self.stdout.write(f"Created demo accounts: {', '.join(accounts.created)}")
        if accounts.password:
            self.stdout.write(
                self.style.WARNING(
                    f"Generated demo password (shown once): {accounts.password}\n"
                    "Set CARNET_DEMO_PASSWORD to choose it."
                )
            )
        if articles:
            added = content.ensure_generated_articles(articles, self._progress)
            self.stderr.write("")
            self.stdout.write(f"Generated articles: {added} added, {articles} in all.")
        if comments:
            added = content.ensure_generated_comments(comments, self._progress)
            self.stderr.write("")
            self.stdout.write(f"Generated comments: {added} added, {comments} in all.")
        if articles or comments:
            statistics.analyze()

    def _progress(self, done: int, total: int) -> None:
        if done % max(1, total // 100) and done != total:
            return
        width = 30
        filled = width * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        self.stderr.flush()
