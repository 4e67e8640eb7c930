"""The demo site, rebuilt from the seed article page (see shared/seed in the project notes).

Everything here is idempotent: running it twice leaves the database as the
first run left it.
"""

import datetime
import io
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from blog.models import Article, Category
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


def ensure_generated_articles(count: int, progress: Callable[[int, int], None]) -> int:
    """Make sure demo-0001 … demo-<count> exist; return how many were added."""
    rng = random.Random(count)
    categories = [Category.objects.get(slug=CATEGORY["slug"])] + [
        Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in EXTRA_CATEGORIES
    ]
    authors = [User.objects.get(username="editor")] + [
        _generated_author(name) for name in EXTRA_AUTHORS
    ]
    existing = set(
        Article.objects.filter(slug__startswith=GENERATED_PREFIX).values_list("slug", flat=True)
    )
    now, added = timezone.now(), 0
    for number in range(1, count + 1):
        slug = f"{GENERATED_PREFIX}{number:04d}"
        if slug not in existing:
            topic, place, angle = rng.choice(TOPICS), rng.choice(PLACES), rng.choice(ANGLES)
            with transaction.atomic():
                article = Article.objects.create(
                    slug=slug,
                    title=f"{angle} : {topic.lower()} {place}",
                    standfirst=f"{topic} {place} : une analyse de ce qui se joue vraiment.",
                    body="".join(
                        f"<p>{angle} de la question « {topic.lower()} » {place}, "
                        f"vus depuis le terrain (paragraphe {p}).</p>"
                        for p in range(1, 5)
                    ),
                    author=rng.choice(authors),
                    category=rng.choice(categories),
                    status=Article.Status.PUBLISHED,
                    published_at=now
                    - datetime.timedelta(days=2 + number, hours=rng.randint(0, 23)),
                )
                article.tags.set([topic, rng.choice(TOPICS)])
            added += 1
        progress(number, count)
    return added


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
