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

import reversion
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from accounts.models import User
from blog.models import Article, Category, Correction, search_vector
from blog.search import search_text
from editing.models import Image
from pages.models import Page
from sitewide import languages, typography
from sitewide.markup import clean_article_html, render_comment_text
from sitewide.models import SiteSettings
from sitewide.revisions import comment_for

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
# Each demo category's name in the English edition, by slug.
CATEGORY_NAMES_EN = {
    "international": "World",
    "politique": "Politics",
    "economie": "Economy",
    "science": "Science",
    "technologie": "Technology",
}
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

# Demo accounts: username -> (group, profile fields). The seed's author is the
# editor-in-chief: he reviews what the contributor submits.
DEMO_ACCOUNTS = {
    "admin": (None, {"display_name": "Administrateur", "is_superuser": True}),
    "editor": ("Editor-in-chief", SEED_AUTHOR),
    "moderator": ("Moderators", {"display_name": "Modération"}),
    "contributor": (
        "Contributors",
        {"display_name": "Léa Marchand", "role": "Correspondante pigiste"},
    ),
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


def ensure_category(slug: str, name: str) -> Category:
    """A demo category, with its English name unless an editor gave it another."""
    category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
    if not category.name_en and CATEGORY_NAMES_EN.get(slug):
        category.name_en = CATEGORY_NAMES_EN[slug]
        category.save(update_fields=["name_en"])
    return category


def ensure_seed_article(author: User) -> Article:
    category = ensure_category(**CATEGORY)
    values = {
        "title": SEED_TITLE,
        "standfirst": SEED_STANDFIRST,
        "body": SEED_BODY,
        "author": author,
        "category": category,
        "status": Article.Status.PUBLISHED,
        "language": "fr",
    }
    values = _as_saved(values)
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
    ensure_cover(article, demo_cover_jpeg, alt=SEED_COVER_ALT, caption=SEED_COVER_CAPTION)
    if set(article.tags.names()) != set(SEED_TAGS):
        article.tags.set(SEED_TAGS)
    return article


def ensure_cover(
    article: Article, make_jpeg: Callable[[], bytes], alt: str, caption: str = ""
) -> Image:
    """The article's cover in the image library: uploaded once (again if its file is
    gone), its alt text and caption put back if an editor changed them."""
    cover = article.cover
    if cover is None or not cover.file.storage.exists(cover.file.name):
        cover = Image.objects.create_from_file(
            ContentFile(make_jpeg()), name=f"{article.slug}.jpg", alt=alt, caption=caption
        )
        article.cover = cover
        Article.objects.filter(pk=article.pk).update(cover=cover)
    elif (cover.alt, cover.caption) != (alt, caption):
        cover.alt, cover.caption = alt, caption
        cover.save(update_fields=["alt", "caption"])
    return cover


def _as_saved(values: dict) -> dict:
    """An article's values as Article.save() stores them (French spacing in a French
    title and standfirst): compared with the stored ones, they then differ only when an
    editor changed the article, and a second run saves nothing."""
    if values.get("language") != "fr":
        return values
    return values | {
        field: typography.french_text(values[field]) for field in ["title", "standfirst"]
    }


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
        "cover_alt": "Un ciel de fin de journée au-dessus de collines, dessin généré.",
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
        "cover_alt": "An evening sky over hills, a generated drawing.",
    },
]


def ensure_translated_pair(author: User) -> list[Article]:
    """The French and English versions of one story, linked as translations, with one
    generated cover between them."""
    category = Category.objects.get(slug=CATEGORY["slug"])
    pair: list[Article] = []
    for values in TRANSLATED_PAIR:
        fields = _as_saved(
            {field: values[field] for field in ["title", "standfirst", "body", "language"]}
            | {"author": author, "category": category, "status": Article.Status.PUBLISHED}
        )
        article = Article.objects.filter(slug=values["slug"]).first()
        if article is None:
            # Older than the front page's articles: it leaves the front page as designed.
            published_at = timezone.now() - datetime.timedelta(hours=170 + len(pair))
            # The English one names the French one: save() pairs them both ways.
            article = Article(
                slug=values["slug"],
                published_at=published_at,
                translation=pair[0] if pair else None,
                **fields,
            )
            article.save()
            # Written now but dated earlier: not "updated" since its publication.
            Article.objects.filter(pk=article.pk).update(updated_at=published_at)
        elif any(getattr(article, field) != value for field, value in fields.items()):
            for field, value in fields.items():
                setattr(article, field, value)
            article.save()
        ensure_cover(
            article,
            functools.partial(demo_cover_jpeg, seed=TRANSLATED_PAIR[0]["slug"], to_the_edge=True),
            alt=values["cover_alt"],
        )
        if set(article.tags.names()) != set(values["tags"]):
            article.tags.set(values["tags"])
        pair.append(article)
    french, english = pair
    french.refresh_from_db(fields=["translation"])
    if french.translation_id != english.pk:
        french.translation = english
        french.save()
    return pair


# A notice on each of the translated pair: what /corrections/ and a corrected story
# look like (the seed article stays exactly as the seed page has it).
CORRECTIONS = {
    TRANSLATED_PAIR[0]["slug"]: (
        Correction.Kind.CORRECTION,
        "Une version précédente de cet article indiquait que quatre pays votaient cette "
        "année ; ils sont trois.",
    ),
    TRANSLATED_PAIR[1]["slug"]: (
        Correction.Kind.CORRECTION,
        "An earlier version of this article said four countries vote this year; three do.",
    ),
}


def ensure_corrections(editor: User) -> list[Correction]:
    """The translated pair's correction notices, each added once, three hours after the
    article's publication."""
    notices = []
    for article in Article.objects.filter(slug__in=CORRECTIONS).order_by("pk"):
        kind, text = CORRECTIONS[article.slug]
        notice = article.corrections.filter(kind=kind).first()
        if notice is None:
            notice = Correction.objects.create(
                article=article,
                kind=kind,
                text=text,
                author=editor,
                created_at=article.published_at + datetime.timedelta(hours=3),
            )
        notices.append(notice)
    return notices


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


# The seed article's history, oldest first: a first draft, then the one sent for review.
# The article itself stays as the seed page shows it; these are only its revisions.
SEED_REVISIONS = [
    (
        datetime.timedelta(days=2),
        {
            "title": "Moscou et les Talibans contre Daesh",
            "standfirst": "",
            "body": SEED_BODY.split("\n\n")[0],
            "status": Article.Status.DRAFT,
        },
        comment_for(added=True),
    ),
    (
        datetime.timedelta(days=1),
        {
            "title": SEED_TITLE,
            "standfirst": SEED_STANDFIRST,
            "body": "\n\n".join(SEED_BODY.split("\n\n")[:2]),
            "status": Article.Status.IN_REVIEW,
        },
        comment_for(["title", "standfirst", "body", "status"], event="submitted"),
    ),
    (
        datetime.timedelta(0),
        {},
        comment_for(["body", "status"], event="published"),
    ),
]

REVIEW_ARTICLE = {
    "slug": "l-eau-du-syr-daria-nouvelle-ligne-de-front",
    "title": "L'eau du Syr-Daria, nouvelle ligne de front en Asie centrale",
    "standfirst": (
        "Le canal de Qosh Tepa, creusé par les Talibans, inquiète l'Ouzbékistan et le "
        "Turkménistan en aval."
    ),
    "body": (
        "<p>Dans le nord de l'Afghanistan, des milliers d'ouvriers creusent un canal de près "
        "de 285 kilomètres qui doit détourner une partie de l'Amou-Daria vers les plaines "
        "de Balkh.</p>\n\n<h2>Un fleuve partagé</h2>\n\n<p>En aval, l'Ouzbékistan et le "
        "Turkménistan dépendent du même fleuve pour leur coton et leur blé. Aucun accord ne "
        "lie Kaboul à ses voisins sur le partage de l'eau.</p>"
    ),
    "status": Article.Status.IN_REVIEW,
    "language": "fr",
}

PAGES = [
    {
        "slug": "a-propos",
        "title": "À propos",
        "body": (
            "<p><strong>Actualité Houssenia Writing</strong> publie des analyses politiques "
            "et géopolitiques sur le monde qui vient : diplomatie, conflits, énergie et "
            "rapports de force entre puissances.</p>\n\n<p>Le site est tenu par Houssen "
            "Moshinaly, rédacteur web depuis 2009 et auteur de neuf livres, avec une petite "
            "équipe de correspondants. Chaque article est relu par le rédacteur en chef "
            "avant sa publication.</p>\n\n<h2>Nos principes</h2>\n\n<ul><li>Citer nos "
            "sources et dater nos informations.</li><li>Corriger publiquement nos erreurs."
            "</li><li>Aucune publicité ni traceur : vous lisez sans être suivi.</li></ul>"
        ),
        "title_en": "About",
        "body_en": (
            "<p><strong>Actualité Houssenia Writing</strong> publishes political and "
            "geopolitical analysis of the world to come: diplomacy, conflicts, energy and "
            "the balance of power.</p>\n\n<p>The site is run by Houssen Moshinaly, a web "
            "writer since 2009 and the author of nine books, with a small team of "
            "correspondents. Every article is read by the editor-in-chief before it is "
            "published.</p>\n\n<h2>Our principles</h2>\n\n<ul><li>Cite our sources and "
            "date our information.</li><li>Correct our mistakes in public.</li><li>No "
            "advertising, no tracker: you read without being followed.</li></ul>"
        ),
    },
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "body": (
            "<p>Ce site est une démonstration de Carnet : les informations ci-dessous sont "
            "fictives et doivent être remplacées avant toute mise en ligne.</p>\n\n"
            "<h2>Éditeur</h2>\n\n<p>Actualité Houssenia Writing, publication en ligne "
            "éditée par Houssen Moshinaly, entrepreneur individuel, 12 rue des Exemples, "
            "75011 Paris. SIRET : 000 000 000 00000 (fictif).</p>\n\n<h2>Directeur de la "
            "publication</h2>\n\n<p>Houssen Moshinaly, rédacteur en chef.</p>\n\n"
            "<h2>Hébergement</h2>\n\n<p>Exemple Hébergement SAS, 1 avenue de la "
            "Démonstration, 59000 Lille, France (hébergeur fictif).</p>\n\n<h2>Données "
            "personnelles</h2>\n\n<p>Le site ne dépose aucun cookie chez ses lecteurs et "
            "ne fait appel à aucun service tiers. L'adresse électronique laissée avec un "
            "commentaire n'est jamais publiée ; elle ne sert qu'à la modération. L'adresse IP "
            "des commentateurs est conservée trente jours pour lutter contre les abus, puis "
            "effacée. Conformément au RGPD, vous pouvez demander l'accès à vos données, leur "
            "rectification ou leur effacement en écrivant à la rédaction.</p>\n\n"
            "<h2>Propriété intellectuelle</h2>\n\n<p>Les textes et images publiés sur ce "
            "site sont protégés par le droit d'auteur ; toute reproduction sans autorisation "
            "est interdite, hors courte citation avec lien vers l'article.</p>"
        ),
        "title_en": "Legal notice",
        "body_en": (
            "<p>This site is a demonstration of Carnet: the details below are made up and "
            "must be replaced before going live.</p>\n\n<h2>Publisher</h2>\n\n"
            "<p>Actualité Houssenia Writing, an online publication edited by Houssen "
            "Moshinaly, sole trader, 12 rue des Exemples, 75011 Paris. SIRET: 000 000 000 "
            "00000 (made up).</p>\n\n<h2>Editor-in-chief</h2>\n\n<p>Houssen Moshinaly."
            "</p>\n\n<h2>Hosting</h2>\n\n<p>Exemple Hébergement SAS, 1 avenue de la "
            "Démonstration, 59000 Lille, France (a made-up host).</p>\n\n<h2>Personal "
            "data</h2>\n\n<p>The site sets no cookie on its readers and calls no "
            "third-party service. The email address left with a comment is never published; "
            "it serves moderation only. Commenters' IP addresses are kept thirty days to "
            "fight abuse, then erased. Under the GDPR you may ask to see, correct or erase "
            "your data by writing to the newsroom.</p>\n\n<h2>Copyright</h2>\n\n<p>The "
            "texts and images of this site are protected by copyright; reproducing them "
            "without permission is forbidden, short quotations with a link excepted.</p>"
        ),
    },
]


def ensure_pages(editor: User) -> list[Page]:
    """À propos, Mentions légales and Contact, each with a first revision by the editor."""
    with languages.in_site_language():
        contact_url = reverse("accounts:contact", kwargs={"slug": editor.slug})
    with translation.override("en"):
        contact_url_en = reverse("accounts:contact", kwargs={"slug": editor.slug})
    contact = {
        "slug": "contact",
        "title": "Contact",
        "body": (
            "<p>Une information, une correction, une réaction ? La rédaction lit tous les "
            f'messages.</p>\n\n<p><a href="{contact_url}">Écrire au rédacteur en chef'
            "</a> : votre message lui parvient par courriel, et votre adresse n'est jamais "
            "publiée.</p>"
        ),
        "title_en": "Contact",
        "body_en": (
            "<p>News, a correction, a reaction? The newsroom reads every message.</p>\n\n"
            f'<p><a href="{contact_url_en}">Write to the editor-in-chief</a>: your message '
            "reaches them by email, and your address is never published.</p>"
        ),
    }
    pages = []
    for values in [*PAGES, contact]:
        page = Page.objects.filter(slug=values["slug"]).first()
        if page is None or any(getattr(page, key) != value for key, value in values.items()):
            page = page or Page(language="fr")
            for key, value in values.items():
                setattr(page, key, value)
            with reversion.create_revision():
                reversion.set_user(editor)
                reversion.set_comment(comment_for(["title", "body"], added=page.pk is None))
                page.save()
        pages.append(page)
    return pages


def ensure_seed_revisions(article: Article, editor: User) -> None:
    """A few revisions on the seed article, added once, its row left as it is."""
    if reversion.models.Version.objects.get_for_object(article).exists():
        return
    state = {}
    for before, changes, comment in SEED_REVISIONS:
        state.update(changes)
        # A copy in memory: only its revision is written, never the row.
        version = Article.objects.get(pk=article.pk)
        for field, value in state.items():
            setattr(version, field, value)
        if not changes:
            version = article
        with reversion.create_revision(manage_manually=True):
            reversion.add_to_revision(version)
            reversion.set_user(editor)
            reversion.set_comment(comment)
            reversion.set_date_created(article.published_at - before)


def ensure_review_article(contributor: User) -> Article:
    """The contributor's article waiting for review, with its revision."""
    article = Article.objects.filter(slug=REVIEW_ARTICLE["slug"]).first()
    if article is None:
        article = Article(author=contributor, **REVIEW_ARTICLE)
        with reversion.create_revision():
            reversion.set_user(contributor)
            reversion.set_comment(comment_for(added=True, event="submitted"))
            article.save()
        article.tags.set(["Afghanistan", "Eau"])
    return article


def demo_cover_jpeg(
    width: int = 1200,
    height: int = 675,
    seed: str = SEED_SLUG,
    top: tuple[int, int, int] = (46, 60, 92),
    bottom: tuple[int, int, int] = (214, 140, 96),
    shades: tuple[tuple[int, int, int], ...] = ((70, 58, 66), (44, 36, 44)),
    sun: bool = False,
    to_the_edge: bool = False,
) -> bytes:
    """A generated cover: a gradient sky over ridges drawn from `seed`, no text.

    The defaults make the seed article's dusk over a mountain ridge, as it always was;
    `to_the_edge` carries the ridges past the right edge instead of sloping down to it.
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    rng = random.Random(seed)
    if sun:
        x, y, r = rng.randint(width // 5, width * 4 // 5), height // 3, height // 7
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(250, 226, 170))
    for layer, shade in enumerate(shades):
        points, x = [(0, height)], 0
        while x <= width or (to_the_edge and points[-1][0] < width):
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
        ensure_category(slugify(name), name) for name in EXTRA_CATEGORIES
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
    from comments.models import Comment, commenter_key_for

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
                commenter_key=commenter_key_for(f"lecteur{number}@example.invalid"),
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


# The front page's demo: a dozen articles (the seed among them) in four categories, each
# with a generated cover, one of them the lead story, and a few approved comments.
FRONT_CATEGORIES = {
    "international": "International",
    "politique": "Politique",
    "economie": "Économie",
    "science": "Science",
}
# Signed by the demo editor (Houssen Moshinaly) or by one of these journalists.
FRONT_AUTHORS = ["Claire Dubois", "Marc Lefèvre", "Amina Diallo"]
# Colours of each generated cover: sky top, sky bottom, then the ridges.
PALETTES = [
    ((24, 44, 74), (120, 170, 200), ((40, 70, 90), (22, 40, 52))),
    ((92, 40, 60), (240, 170, 120), ((110, 60, 70), (60, 30, 40))),
    ((30, 70, 60), (200, 220, 170), ((50, 100, 70), (30, 60, 44))),
    ((60, 50, 100), (230, 190, 210), ((80, 70, 120), (44, 36, 70))),
]


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    standfirst: str
    paragraphs: tuple[str, ...]
    category: str  # a slug of FRONT_CATEGORIES
    tags: tuple[str, ...]
    author: str  # "editor" or a name of FRONT_AUTHORS
    hours_ago: int  # its publication, counted back from the first load
    cover_alt: str
    featured: bool = False
    comments: tuple[tuple[str, str], ...] = ()  # (name, text), approved


FRONT_ARTICLES = [
    DemoArticle(
        slug="sommet-de-lasie-centrale-la-securite-au-coeur-des-discussions",
        title="Sommet de l'Asie centrale : la sécurité au cœur des discussions",
        standfirst="Les cinq républiques d'Asie centrale se réunissent pour coordonner leur "
        "réponse à la menace de Daesh aux frontières afghanes.",
        paragraphs=(
            "Les chefs d'État du Kazakhstan, du Kirghizistan, du Tadjikistan, du Turkménistan "
            "et de l'Ouzbékistan se retrouvent cette semaine pour un sommet consacré à la "
            "sécurité régionale.",
            "Au menu des discussions : le contrôle des frontières avec l'Afghanistan, "
            "l'échange de renseignements et la place de la Russie et de la Chine dans "
            "l'architecture de sécurité de la région.",
            "Plusieurs diplomates estiment qu'un accord de principe pourrait être signé, "
            "sans toutefois créer de force commune.",
        ),
        category="international",
        tags=("Afghanistan", "Russie", "Daesh", "Diplomatie"),
        author="Amina Diallo",
        hours_ago=5,
        cover_alt="Des montagnes sous un ciel d'aube, illustration",
        featured=True,
        comments=(
            ("Sophie", "Enfin un sommet qui parle de coordination plutôt que de déclarations."),
            ("Karim", "Reste à savoir ce que la Chine acceptera vraiment."),
        ),
    ),
    DemoArticle(
        slug="la-chine-renforce-ses-liens-avec-kaboul",
        title="La Chine renforce ses liens avec Kaboul",
        standfirst="Pékin multiplie les investissements en Afghanistan et mise sur la "
        "stabilité pour sécuriser ses routes commerciales.",
        paragraphs=(
            "Mines de cuivre, routes et télécommunications : la Chine avance ses pions en "
            "Afghanistan, où elle voit un maillon de ses nouvelles routes de la soie.",
            "Les autorités chinoises affirment vouloir une région stable, condition de la "
            "sécurité de leurs investissements.",
        ),
        category="international",
        tags=("Afghanistan", "Chine", "Commerce"),
        author="Marc Lefèvre",
        hours_ago=30,
        cover_alt="Des collines au crépuscule, illustration",
    ),
    DemoArticle(
        slug="iran-et-talibans-un-rapprochement-pragmatique",
        title="Iran et Talibans : un rapprochement pragmatique",
        standfirst="Téhéran et les Talibans partagent un ennemi commun, l'État islamique, "
        "malgré des décennies de méfiance.",
        paragraphs=(
            "Longtemps adversaires, l'Iran et les Talibans ont appris à se parler. "
            "L'émergence de Daesh dans la région a précipité ce dialogue.",
            "Les deux parties restent toutefois divisées sur le partage de l'eau et le sort "
            "des minorités chiites.",
        ),
        category="international",
        tags=("Iran", "Talibans", "Daesh"),
        author="editor",
        hours_ago=54,
        cover_alt="Un soleil bas sur un désert de collines, illustration",
    ),
    DemoArticle(
        slug="reforme-des-institutions-le-gouvernement-devoile-son-calendrier",
        title="Réforme des institutions : le gouvernement dévoile son calendrier",
        standfirst="Le projet de loi sera présenté au printemps ; l'opposition réclame "
        "un référendum.",
        paragraphs=(
            "Le Premier ministre a présenté mardi le calendrier de la réforme des "
            "institutions, promise pendant la campagne.",
            "Les partis d'opposition dénoncent une méthode précipitée et demandent que les "
            "citoyens soient consultés par référendum.",
        ),
        category="politique",
        tags=("Élections", "Institutions"),
        author="Claire Dubois",
        hours_ago=9,
        cover_alt="Des collines bleutées sous un ciel clair, illustration",
        comments=(("Paul", "Un référendum serait la moindre des choses."),),
    ),
    DemoArticle(
        slug="elections-municipales-la-participation-en-question",
        title="Élections municipales : la participation en question",
        standfirst="À quelques mois du scrutin, les maires s'inquiètent d'une abstention record.",
        paragraphs=(
            "Les enquêtes d'opinion annoncent une participation en baisse, surtout chez les "
            "moins de trente ans.",
            "Plusieurs communes testent de nouvelles façons d'associer les habitants aux "
            "décisions locales.",
        ),
        category="politique",
        tags=("Élections",),
        author="Claire Dubois",
        hours_ago=75,
        cover_alt="Un paysage vallonné au coucher du soleil, illustration",
    ),
    DemoArticle(
        slug="diplomatie-europeenne-une-voix-commune-difficile-a-trouver",
        title="Diplomatie européenne : une voix commune difficile à trouver",
        standfirst="Les Vingt-Sept peinent à s'accorder sur leur politique envers l'Afghanistan.",
        paragraphs=(
            "Faut-il dialoguer avec les Talibans ? La question divise les capitales "
            "européennes depuis des mois.",
            "Une réunion des ministres des affaires étrangères doit tenter d'arrêter une "
            "position commune.",
        ),
        category="politique",
        tags=("Diplomatie", "Talibans", "Europe"),
        author="Marc Lefèvre",
        hours_ago=100,
        cover_alt="Des crêtes violettes sous un ciel rose, illustration",
    ),
    DemoArticle(
        slug="le-prix-du-gaz-repart-a-la-hausse",
        title="Le prix du gaz repart à la hausse",
        standfirst="Un hiver précoce et des stocks moins remplis que prévu tirent les prix "
        "vers le haut.",
        paragraphs=(
            "Les cours du gaz naturel ont gagné près de 15 % en une semaine sur les marchés "
            "européens.",
            "Les analystes restent prudents : tout dépendra de la rigueur de l'hiver.",
        ),
        category="economie",
        tags=("Énergie", "Commerce"),
        author="Marc Lefèvre",
        hours_ago=14,
        cover_alt="Des montagnes sombres sous un ciel orangé, illustration",
        comments=(
            ("Nadia", "Et ce sont encore les ménages qui paieront."),
            ("Thomas", "Merci pour ces chiffres clairs."),
        ),
    ),
    DemoArticle(
        slug="commerce-les-routes-de-la-soie-passent-par-lasie-centrale",
        title="Commerce : les routes de la soie passent par l'Asie centrale",
        standfirst="Ports secs, voies ferrées et entrepôts : la région devient un carrefour "
        "entre la Chine et l'Europe.",
        paragraphs=(
            "Le volume de marchandises transitant par l'Asie centrale a doublé en cinq ans.",
            "Les gouvernements de la région veulent en profiter pour développer leurs "
            "propres industries.",
        ),
        category="economie",
        tags=("Commerce", "Chine"),
        author="Amina Diallo",
        hours_ago=80,
        cover_alt="Une plaine verte au pied de collines, illustration",
    ),
    DemoArticle(
        slug="inflation-la-banque-centrale-marque-une-pause",
        title="Inflation : la banque centrale marque une pause",
        standfirst="Les taux directeurs restent inchangés, une première depuis deux ans.",
        paragraphs=(
            "La banque centrale a décidé de laisser ses taux inchangés, estimant que "
            "l'inflation reflue lentement.",
            "Les marchés attendent désormais un premier geste d'assouplissement l'an prochain.",
        ),
        category="economie",
        tags=("Inflation",),
        author="Claire Dubois",
        hours_ago=126,
        cover_alt="Des collines grises sous un ciel pâle, illustration",
    ),
    DemoArticle(
        slug="climat-les-glaciers-dasie-centrale-reculent-plus-vite-que-prevu",
        title="Climat : les glaciers d'Asie centrale reculent plus vite que prévu",
        standfirst="Une étude montre que les glaciers du Pamir ont perdu un quart de leur "
        "masse en trente ans.",
        paragraphs=(
            "Les chercheurs ont comparé des images satellites prises depuis les années 1990.",
            "La fonte menace l'approvisionnement en eau de millions de personnes en aval.",
        ),
        category="science",
        tags=("Climat",),
        author="Amina Diallo",
        hours_ago=20,
        cover_alt="Des sommets enneigés sous un ciel froid, illustration",
        comments=(("Léa", "Une étude inquiétante, merci de la relayer."),),
    ),
    DemoArticle(
        slug="intelligence-artificielle-les-traducteurs-automatiques-en-debat",
        title="Intelligence artificielle : les traducteurs automatiques en débat",
        standfirst="Les outils de traduction progressent, mais les langues peu dotées "
        "restent à la traîne.",
        paragraphs=(
            "Les modèles de traduction couvrent désormais des centaines de langues, avec "
            "une qualité très inégale.",
            "Des linguistes plaident pour des corpus ouverts, construits avec les locuteurs.",
        ),
        category="science",
        tags=("IA",),
        author="Marc Lefèvre",
        hours_ago=150,
        cover_alt="Des crêtes bleues sous un soleil blanc, illustration",
    ),
]


def ensure_front_page(editor: User, moderator: User) -> list[Article]:
    """The demo's front page: the articles of FRONT_ARTICLES, their covers, tags and
    comments; each is written once and only changed back when an editor changed it."""
    categories = {slug: ensure_category(slug, name) for slug, name in FRONT_CATEGORIES.items()}
    authors = {"editor": editor} | {name: _generated_author(name) for name in FRONT_AUTHORS}
    articles = []
    for number, demo_article in enumerate(FRONT_ARTICLES):
        article = _ensure_front_article(demo_article, number, categories, authors)
        for name, text in demo_article.comments:
            _ensure_comment(article, name, text, moderator)
        articles.append(article)
    return articles


def _ensure_front_article(
    demo_article: DemoArticle, number: int, categories: dict, authors: dict
) -> Article:
    values = {
        "title": demo_article.title,
        "standfirst": demo_article.standfirst,
        "body": "\n\n".join(f"<p>{paragraph}</p>" for paragraph in demo_article.paragraphs),
        "author": authors[demo_article.author],
        "category": categories[demo_article.category],
        "status": Article.Status.PUBLISHED,
        "language": "fr",
    }
    values = _as_saved(values)
    article = Article.objects.filter(slug=demo_article.slug).first()
    if article is None:
        # Pinned once: an editor who pins another lead story keeps it.
        published_at = timezone.now() - datetime.timedelta(hours=demo_article.hours_ago)
        article = Article(
            slug=demo_article.slug,
            published_at=published_at,
            featured=demo_article.featured,
            **values,
        )
        article.save()
        # Written now but dated earlier: not "updated" since its publication.
        Article.objects.filter(pk=article.pk).update(updated_at=published_at)
    elif any(getattr(article, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(article, field, value)
        article.save()
    top, bottom, shades = PALETTES[number % len(PALETTES)]
    ensure_cover(
        article,
        lambda: demo_cover_jpeg(
            seed=demo_article.slug,
            top=top,
            bottom=bottom,
            shades=shades,
            sun=number % 3 == 2,
            to_the_edge=True,
        ),
        alt=demo_article.cover_alt,
    )
    if set(article.tags.names()) != set(demo_article.tags):
        article.tags.set(list(demo_article.tags))
    return article


def _ensure_comment(article: Article, name: str, text: str, moderator: User) -> None:
    """An approved reader comment, a few hours after the article, added once."""
    from comments.models import Comment

    if Comment.objects.filter(article=article, name=name).exists():
        return
    now = timezone.now()
    submitted_at = min(article.published_at + datetime.timedelta(hours=2), now)
    Comment(
        article=article,
        name=name,
        email=f"{slugify(name)}@example.invalid",
        body=text,
        submitted_at=submitted_at,
        status=Comment.Status.APPROVED,
        moderated_by=moderator,
        moderated_at=min(submitted_at + datetime.timedelta(hours=1), now),
    ).save()
