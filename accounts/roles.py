"""Carnet's roles: the groups staff accounts join, and what each may do.

Data migrations created the groups once (accounts 0002, comments 0002); this
table says what they hold now. ensure_roles() runs after every migrate and
every flush (post_migrate, connected in AccountsConfig.ready), so a new
database, or a test database a TransactionTestCase emptied, always has them.

Other apps' permissions are named by app label and codename, as strings:
accounts sits below blog and comments and imports neither.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

# Contributors write and submit; Editors publish their own; the Editor-in-chief reviews,
# edits and publishes everyone's (blog/workflow.py says what each permission allows).
CONTRIBUTOR = [
    ("blog", "add_article"),
    ("blog", "change_article"),
    ("blog", "delete_article"),
    ("blog", "view_article"),
    ("blog", "view_category"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
    ("accounts", "view_user"),
    ("accounts", "change_user"),
    # The image library: upload, describe, insert (deleting is left to administrators).
    ("editing", "add_image"),
    ("editing", "change_image"),
    ("editing", "view_image"),
]
EDITOR = [
    *CONTRIBUTOR,
    ("blog", "publish_article"),
    # Correction notices on the published articles they may change (blog.admin).
    ("blog", "add_correction"),
    ("blog", "change_correction"),
    ("blog", "delete_correction"),
    ("blog", "view_correction"),
    ("blog", "add_category"),
    ("blog", "change_category"),
    ("taggit", "change_tag"),
    # The newsletter's issues of what they publish: read only (newsletter/admin.py).
    ("newsletter", "view_issue"),
]
# Members of these groups, like superusers, must give a second step when signing in while
# settings.TWO_STEP_REQUIRED is on (accounts/twostep.py).
TWO_STEP_ROLES = ["Editor-in-chief"]
# Moderators decide on comments; nothing else.
MODERATOR = [
    ("comments", "view_comment"),
    ("comments", "change_comment"),
]
# The newsletter's subscribers: readers' addresses, shown by that list alone
# (newsletter/admin.py), to the Editor-in-chief, who runs the newsletter and signs in with
# a second step; they may end a subscription a reader asks them to end, nothing more.
NEWSLETTER = [
    ("newsletter", "view_subscriber"),
    ("newsletter", "change_subscriber"),
]
ROLES = {
    "Contributors": CONTRIBUTOR,
    "Editors": EDITOR,
    "Editor-in-chief": [
        *EDITOR,
        ("blog", "change_others_article"),
        ("pages", "add_page"),
        ("pages", "change_page"),
        ("pages", "delete_page"),
        ("pages", "view_page"),
        # The notices of held comments reach them: they moderate too.
        *MODERATOR,
        *NEWSLETTER,
    ],
    "Moderators": MODERATOR,
}


def ensure_roles(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """Create the groups and give each its permissions; running it again changes nothing.

    It only adds: a permission an administrator granted a group on top is kept.
    A permission missing from the database is an error (a typo in ROLES, say).
    """
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not migrated (yet, or any more)
        return
    # post_migrate reaches accounts before the apps named in ROLES have their
    # permissions; make them now, as the migrations did.
    for app_label in sorted({app_label for role in ROLES.values() for app_label, _ in role}):
        create_permissions(
            global_apps.get_app_config(app_label), verbosity=0, using=using, apps=apps
        )
    for name, permissions in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(
            *[
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
                for app_label, codename in permissions
            ]
        )
