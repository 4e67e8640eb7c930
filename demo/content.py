"""The demo site, rebuilt from the seed article page (see shared/seed in the project notes).

Everything here is idempotent: running it twice leaves the database as the
first run left it.
"""

import datetime
import functools
import io
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from accounts.models import User
from blog.models import Article, Category, search_vector
from blog.search import search_text
from sitewide import typography
from sitewide.markup import clean_article_html, render_comment_text
from sitewide.models import SiteSettings

SEED_SLUG = "moscou-travaille-avec-les-talibans-pour-contrer-daesh"
SEED_TITLE = "Moscou travaille avec les Talibans pour contrer Daesh"
SEED_STANDFIRST = (
    "Un envoyé de la Russie en Afghanistan a déclaré que Moscou travaille désormais avec les "
    "Talibans pour contrer Daesh."
)
SEED_COVER_ALT = (
    "Zamir Kabulov admet que Moscou travaille avec les Talibans pour contrer l'Etat Islamique"
)
SEED_COVER_CAPTION = "Zamir Kabulov, envoyé spécial de la Russie en Afghanistan."
SEED_BODY = "\n\n".join(
    f"<p>{paragraph}</p>"
    for paragraph in [
        "Zamir Kabulov est l’envoyé officiel de la Russie en Afghanistan et il a déclaré que "
        "Moscou travaille avec les Talibans pour stopper l’avancée de l’Etat Islamique dans la "
        "région. De nombreux combattants Talibans sont des descendants directs des Pachtounes "
        "afghan ou pakistanais qui ont combattu l’Armée Rouge soviétique dans les années 1980. "
        "Et les Talibans controlent toujours une grande partie de l’Afghanistan malgré les "
        "efforts des Américains pour les déloger. Mais les Talibans sont menacés à leur tour "
        "par Daesh. L’Etat Islamique commence à connaitre une popularité croissante en "
        "Afghanistan avec de nombreuses tribus qui ont prêté allégeance. En revanche, les "
        "leaders Talibans ont rejeté Daesh en estimant que son leader, Abu Bakr al-Baghdadi, "
        "est un imposteur quand il prétend être le Calife de tous les musulmans.",
        "Depuis 2 ans, de nombreux médias occidentaux estimant que la Russie, ayant peur de la "
        "montée de Daesh en Asie Centrale, a contacté les Talibans pour contrer l’Etat "
        "Islamique. Et la semaine dernière, Zamir Kabulov, envoyé spécial de la Russie en "
        "Afghanistan, a admis publiquement que la Russie collabore étroitement avec les "
        "Talibans pour combattre l’Etat Islamique en ajoutant que Moscou maintient des canaux "
        "de communications privilégiés pour échanger des renseignements. Zamir Kabulov est "
        "considéré comme l’un des meilleurs experts russes sur l’Afghanistan. Il a été "
        "ambassadeur de la Russie en Afghanistan et il a aussi servi au Pakistan et en Iran. "
        "Les observateurs occidentaux estiment que Kavulov n’est pas un simple diplomate, mais "
        "il est aussi un ancien officier du KGB. En fait, on prétend même qu’il était le chef "
        "de la station du KGB à Kaboul pendant l’occupation soviétique en Afghanistan dans les "
        "années 1980. Il a aussi collaboré étroitement avec le Khad, l’agence de renseignement "
        "soviétique qui se concentrait sur l’Afghanistan.",
        "Kim Sengupta, un correspondant du journal The Independant, estime que l’annonce de "
        "Kabulov reflète les liens de plus en plus étroits entre le FSB et le NDS, l’agence de "
        "renseignement de l’Afghanistan. Il y a aussi des questions pour l’extension de la "
        "collaboration russe avec les Talibans pour poursuivre des objectifs communs "
        "(comprendre réduire l’influence américaine). Kabulov a parlé uniquement d’échange de "
        "renseignements, mais Sengupta prétend que Moscou fournit aussi des armes aux Talibans "
        "via les alliés des Russes en Afghanistan. De plus, on a également la Chine et l’Iran "
        "qui réchauffent leurs relations avec les Talibans puisque ces derniers sont "
        "considérés comme une alternative raisonnable par rapport à l’Etat Islamique.",
    ]
)
SEED_TAGS = ["Russie", "Afghanistan", "Talibans", "Daesh"]
SEED_AUTHOR = {
    "display_name": "Houssen Moshinaly",
    "first_name": "Houssen",
    "last_name": "Moshinaly",
    "slug": "houssen-moshinaly",
    "role": "Rédacteur en chef d'Actualité Houssenia Writing. Rédacteur web depuis 2009.",
    "bio": (
        "Blogueur et essayiste, j'ai écrit 9 livres sur différents sujets comme la corruption "
        "en science, les singularités technologiques ou encore des fictions. Je propose "
        "aujourd'hui des analyses politiques et géopolitiques sur le nouveau monde qui arrive. "
        "J'ai une formation de rédaction web et une longue carrière de prolétaire."
    ),
    "accepts_contact": True,
}
SITE = {
    "site_name": "Actualité Houssenia Writing",
    "tagline": "Analyses politiques et géopolitiques",
    "facebook_url": "https://www.facebook.com/actualitehousseniawriting",
    "telegram_url": "https://t.me/housseniawriting",
}
CATEGORY = {"name": "International", "slug": "international"}
# The seed page's one approved reader comment; the email is a placeholder, never shown.
SEED_COMMENT = {
    "name": "pascal",
    "email": "pascal@example.invalid",
    "body": (
        "N’importe quoi.\n"
        "On n’utilise pas le diable pour lutter contre le diable.\n"
        "C’est comme l’intox des américains utilisant Al Qaeda pour lutter contre l’état "
        "islamique.\n"
        "Il faut arrêter de nous prendre pour des idiots."
    ),
}

# Demo accounts: username -> (group, profile fields).
DEMO_ACCOUNTS = {
    "admin": (None, {"display_name": "Administrateur", "is_superuser": True}),
    "editor": ("Editors", SEED_AUTHOR),
    "moderator": ("Moderators", {"display_name": "Modération"}),
}


@dataclass
class DemoAccounts:
    users: dict[str, User]
    created: list[str]
    password: str | None  # set only when it was generated now, to be printed once


def ensure_site_settings() -> SiteSettings:
    site = SiteSettings.load()
    changed = [field for field, value in SITE.items() if getattr(site, field) != value]
    for field in changed:
        setattr(site, field, SITE[field])
    if changed:
        site.save()
    return site


def ensure_accounts(password: str | None) -> DemoAccounts:
    """Create the demo accounts; set their password only when one is given or they are new."""
    generated = None
    users, created = {}, []
    for username, (group_name, profile) in DEMO_ACCOUNTS.items():
        user = User.objects.filter(username=username).first()
        changed = user is None
        if user is None:
            if password is None and generated is None:
                generated = secrets.token_urlsafe(12)
            user = User(username=username, email=f"{username}@carnet.invalid", is_staff=True)
            user.set_password(password or generated)
            created.append(username)
        elif password is not None and not user.check_password(password):
            user.set_password(password)
            changed = True
        for field, value in profile.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if changed:
            user.save()
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        users[username] = user
    return DemoAccounts(users=users, created=created, password=generated)


def ensure_seed_article(author: User) -> Article:
    category, _ = Category.objects.get_or_create(slug=CATEGORY["slug"], defaults=CATEGORY)
    values = {
        "title": SEED_TITLE,
        "standfirst": SEED_STANDFIRST,
        "body": SEED_BODY,
        "cover_alt": SEED_COVER_ALT,
        "cover_caption": SEED_COVER_CAPTION,
        "author": author,
        "category": category,
        "status": Article.Status.PUBLISHED,
        "language": "fr",
    }
    article = Article.objects.filter(slug=SEED_SLUG).first()
    if article is None:
        article = Article(
            slug=SEED_SLUG,
            published_at=timezone.now(),
            **values,
        )
        article.save()
    elif any(getattr(article, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(article, field, value)
        article.save()
    if not article.cover or not article.cover.storage.exists(article.cover.name):
        article.cover.save(f"{SEED_SLUG}.jpg", ContentFile(demo_cover_jpeg()), save=False)
        Article.objects.filter(pk=article.pk).update(cover=article.cover.name)
    if set(article.tags.names()) != set(SEED_TAGS):
        article.tags.set(SEED_TAGS)
    return article


# One story in both languages, each naming the other as its translation.
TRANSLATED_PAIR = [
    {
        "slug": "les-elections-au-sahel-vues-du-terrain",
        "language": "fr",
        "title": "Les élections au Sahel, vues du terrain",
        "standfirst": "Trois pays votent cette année : ce que disent les électeurs.",
        "body": "<p>Dans les bureaux de vote, une question revient : « Qui comptera nos "
        "voix ? » Les observateurs attendent les résultats avant de conclure.</p>"
        "<p>Les élections se tiennent dans un climat tendu ; la participation reste la "
        "grande inconnue.</p>",
        "tags": ["Élections"],
    },
    {
        "slug": "elections-in-the-sahel-seen-from-the-ground",
        "language": "en",
        "title": "Elections in the Sahel, seen from the ground",
        "standfirst": "Three countries vote this year: what the voters say.",
        "body": "<p>In the polling stations one question keeps coming back: “Who will count "
        "our votes?” Observers are waiting for the results before drawing conclusions.</p>"
        "<p>The elections take place in a tense climate; turnout remains the great "
        "unknown.</p>",
        "tags": ["Élections"],
    },
]


def ensure_translated_pair(author: User) -> list[Article]:
    """The French and English versions of one story, linked as translations."""
    category = Category.objects.get(slug=CATEGORY["slug"])
    pair = []
    for values in TRANSLATED_PAIR:
        fields = {
            "title": values["title"],
            "standfirst": values["standfirst"],
            "body": values["body"],
            "language": values["language"],
            "author": author,
            "category": category,
            "status": Article.Status.PUBLISHED,
        }
        if values["language"] == "fr":
            # As save() stores them: comparing with the typed text would save every run.
            fields["title"] = typography.french_text(fields["title"])
            fields["standfirst"] = typography.french_text(fields["standfirst"])
        article = Article.objects.filter(slug=values["slug"]).first()
        if article is None:
            article = Article(
                slug=values["slug"],
                published_at=timezone.now() - datetime.timedelta(hours=len(pair) + 1),
                **fields,
            )
            article.save()
        elif any(getattr(article, field) != value for field, value in fields.items()):
            for field, value in fields.items():
                setattr(article, field, value)
            article.save()
        if set(article.tags.names()) != set(values["tags"]):
            article.tags.set(values["tags"])
        pair.append(article)
    french, english = pair
    if french.translation_id != english.pk:
        french.translation = english
        french.save()
    return pair


def ensure_seed_comment(article: Article, moderator: User):
    """The seed page's approved comment by "pascal", added once."""
    from comments.models import Comment

    comment = Comment.objects.filter(
        article=article, name=SEED_COMMENT["name"], email=SEED_COMMENT["email"]
    ).first()
    if comment is None:
        # A few hours after the article, and never in the future.
        now = timezone.now()
        submitted_at = min(article.published_at + datetime.timedelta(hours=3), now)
        comment = Comment(
            article=article,
            submitted_at=submitted_at,
            status=Comment.Status.APPROVED,
            moderated_by=moderator,
            moderated_at=min(submitted_at + datetime.timedelta(hours=1), now),
            **SEED_COMMENT,
        )
        comment.save()
    elif comment.body != SEED_COMMENT["body"] or comment.status != Comment.Status.APPROVED:
        comment.body, comment.status = SEED_COMMENT["body"], Comment.Status.APPROVED
        comment.save()
    return comment


def demo_cover_jpeg(width: int = 1200, height: int = 675) -> bytes:
    """A generated cover: a dusk gradient over a mountain ridge, no text."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = (46, 60, 92), (214, 140, 96)
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    rng = random.Random(SEED_SLUG)
    for layer, shade in enumerate([(70, 58, 66), (44, 36, 44)]):
        points, x = [(0, height)], 0
        while x <= width:
            points.append((x, int(height * (0.55 + 0.12 * layer) + rng.randint(-60, 40))))
            x += rng.randint(60, 140)
        points += [(width, height)]
        draw.polygon(points, fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


GENERATED_PREFIX = "demo-"
TOPICS = ["Diplomatie", "Énergie", "Climat", "Élections", "Sécurité", "Commerce", "Santé", "IA"]
PLACES = ["en Asie centrale", "au Sahel", "en Europe", "au Moyen-Orient", "en Amérique latine",
          "dans le Pacifique", "en Afrique de l'Est", "dans l'Arctique"]  # fmt: skip
ANGLES = ["Ce qui change", "Les enjeux", "Le pari risqué", "Les coulisses", "Le retour",
          "La fin annoncée", "Les leçons", "Le grand malentendu"]  # fmt: skip
EXTRA_CATEGORIES = ["Politique", "Économie", "Science", "Technologie"]
EXTRA_AUTHORS = ["Claire Dubois", "Marc Lefèvre", "Amina Diallo"]


# Rows written per INSERT: under PostgreSQL's 65,535 parameters for every model here.
BATCH_SIZE = 2000
# A site this big publishes several articles a day; a small demo, one a day.
GENERATED_SPAN = datetime.timedelta(days=3650)


def ensure_generated_articles(count: int, progress: Callable[[int, int], None]) -> int:
    """Make sure demo-0001 … demo-<count> exist; return how many were added.

    Written in batches with bulk_create (a hundred thousand take a few minutes), each batch
    in its transaction; the search vectors are then computed by one UPDATE.
    """
    rng = random.Random(count)
    categories = [Category.objects.get(slug=CATEGORY["slug"])] + [
        Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in EXTRA_CATEGORIES
    ]
    authors = [User.objects.get(username="editor")] + [
        _generated_author(name) for name in EXTRA_AUTHORS
    ]
    tags = {topic: _tag(topic) for topic in TOPICS}
    article_type = ContentType.objects.get_for_model(Article)
    existing = set(
        Article.objects.filter(slug__startswith=GENERATED_PREFIX).values_list("slug", flat=True)
    )
    step = min(datetime.timedelta(days=1), GENERATED_SPAN / max(count, 1))
    now, added, batch = timezone.now(), 0, []
    body_html = functools.lru_cache(maxsize=None)(clean_article_html)
    for number in range(1, count + 1):
        slug = f"{GENERATED_PREFIX}{number:04d}"
        # Drawn for every number: an interrupted run, run again, makes the same articles.
        topic, place, angle = rng.choice(TOPICS), rng.choice(PLACES), rng.choice(ANGLES)
        author, category = rng.choice(authors), rng.choice(categories)
        hours, second_topic = rng.randint(0, 23), rng.choice(TOPICS)
        if slug not in existing:
            body = "".join(
                f"<p>{angle} de la question « {topic.lower()} » {place}, "
                f"vus depuis le terrain (paragraphe {p}).</p>"
                for p in range(1, 5)
            )
            article = Article(
                slug=slug,
                # bulk_create skips save(): French spacing applied here, as save() would.
                title=typography.french_text(f"{angle} : {topic.lower()} {place}"),
                standfirst=typography.french_text(
                    f"{topic} {place} : une analyse de ce qui se joue vraiment."
                ),
                body=body,
                body_html=typography.french_html(body_html(body)),
                author=author,
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - datetime.timedelta(days=2, hours=hours) - step * number,
            )
            batch.append((article, {topic, second_topic}))
        if len(batch) == BATCH_SIZE or (batch and number == count):
            _insert_articles(batch, tags, article_type)
            added += len(batch)
            batch = []
        progress(number, count)
    if added:
        fill_search_vectors()
    return added


def _insert_articles(batch: list, tags: dict, article_type: ContentType) -> None:
    with transaction.atomic():
        articles = Article.objects.bulk_create([article for article, _topics in batch])
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(tag=tags[topic], content_type=article_type, object_id=article.pk)
                for article, (_same, topics) in zip(articles, batch, strict=True)
                for topic in sorted(topics)
            ]
        )


def fill_search_vectors() -> None:
    """Compute the search documents bulk_create left empty: the vectors in one UPDATE on
    PostgreSQL, the accent-folded text elsewhere."""
    if connection.vendor == "postgresql":
        Article.objects.filter(search_vector__isnull=True).update(search_vector=search_vector())
        return
    empty = list(Article.objects.filter(search_text="").only("title", "standfirst", "body_html"))
    for article in empty:
        article.search_text = search_text(article.title, article.standfirst, article.body_html)
    Article.objects.bulk_update(empty, ["search_text"], batch_size=BATCH_SIZE)


def _tag(name: str) -> Tag:
    return Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)


COMMENT_PREFIX = "demo-"
# The seed article carries this many approved comments, pascal's among them: a long thread.
SEED_THREAD = 50
COMMENT_BODIES = [
    "Merci pour cette analyse, très claire.",
    "Je ne suis pas d'accord : les faits sur le terrain racontent autre chose.\n\n"
    "Il faudrait citer vos sources.",
    "Article intéressant, mais qu'en pensent les habitants de la région ?",
    "Enfin quelqu'un qui explique les enjeux sans jargon.",
    "Le dernier paragraphe mériterait un article à lui seul.",
]


def ensure_generated_comments(count: int, progress: Callable[[int, int], None]) -> int:
    """Make sure demo comments 1 … <count> exist; return how many were added.

    The first ones complete the seed article's thread to SEED_THREAD approved comments;
    the others are spread over the generated articles, one in twenty waiting for
    moderation and one in fifty spam. The articles' comment counts are then set by one
    UPDATE.
    """
    from comments.models import Comment

    seed = Article.objects.get(slug=SEED_SLUG)
    moderator = User.objects.get(username="moderator")
    articles = list(
        Article.objects.filter(slug__startswith=GENERATED_PREFIX)
        .order_by("pk")
        .values_list("pk", "published_at")
    ) or [(seed.pk, seed.published_at)]
    seed_extra = SEED_THREAD - 1  # pascal's comment is the first
    already = Comment.objects.filter(token__startswith=COMMENT_PREFIX).count()
    now, added, batch = timezone.now(), 0, []
    bodies = [(body, render_comment_text(body)) for body in COMMENT_BODIES]
    for number in range(already + 1, count + 1):
        if number <= seed_extra:
            article, published_at = seed.pk, seed.published_at
            status = Comment.Status.APPROVED
        else:
            # A multiplier prime to most counts walks the articles in a scattered order.
            article, published_at = articles[(number * 7919) % len(articles)]
            status = (
                Comment.Status.PENDING
                if number % 20 == 0
                else Comment.Status.SPAM
                if number % 50 == 1
                else Comment.Status.APPROVED
            )
        submitted_at = min(published_at + datetime.timedelta(minutes=number % 5000), now)
        body, html = bodies[number % len(bodies)]
        batch.append(
            Comment(
                article_id=article,
                name=f"Lecteur {number}",
                email=f"lecteur{number}@example.invalid",
                body=body,
                body_html=html,
                status=status,
                submitted_at=submitted_at,
                moderated_by=None if status == Comment.Status.PENDING else moderator,
                moderated_at=None if status == Comment.Status.PENDING else submitted_at,
                token=f"{COMMENT_PREFIX}{number}",
            )
        )
        if len(batch) == BATCH_SIZE or number == count:
            with transaction.atomic():
                Comment.objects.bulk_create(batch)
            added += len(batch)
            batch = []
        progress(number, count)
    if added:
        count_comments()
    return added


def count_comments() -> None:
    """Set every article's comment_count from its approved comments, in one UPDATE."""
    from comments.models import Comment

    approved = (
        Comment.objects.approved()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.update(comment_count=Coalesce(Subquery(approved), 0))


def _generated_author(name: str) -> User:
    # Generated authors sign the articles but cannot log in.
    user, _ = User.objects.get_or_create(
        username=slugify(name),
        defaults={
            "display_name": name,
            "is_staff": True,
            "role": "Journaliste",
            "password": make_password(None),
        },
    )
    return user
