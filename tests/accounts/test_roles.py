"""The Editors and Moderators groups, kept by a post_migrate handler."""

from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal
from django.test import TestCase

from accounts.roles import ROLES, ensure_roles


def held() -> dict[str, set[tuple[str, str]]]:
    """Each group's permissions, as (app label, codename)."""
    return {
        group.name: set(group.permissions.values_list("content_type__app_label", "codename"))
        for group in Group.objects.order_by("name")
    }


class RolesTests(TestCase):
    def test_after_migrate_the_groups_hold_exactly_the_roles_permissions(self):
        self.assertEqual(held(), {name: set(perms) for name, perms in ROLES.items()})

    def test_running_it_twice_changes_nothing(self):
        before = held(), Permission.objects.count()
        ensure_roles()
        ensure_roles()
        self.assertEqual((held(), Permission.objects.count()), before)

    def test_it_adds_a_missing_permission_back(self):
        moderators = Group.objects.get(name="Moderators")
        moderators.permissions.remove(Permission.objects.get(codename="change_comment"))
        ensure_roles()
        self.assertIn(("comments", "change_comment"), held()["Moderators"])

    def test_it_keeps_a_permission_an_administrator_granted_on_top(self):
        extra = Permission.objects.get(codename="change_others_article")
        Group.objects.get(name="Editors").permissions.add(extra)
        ensure_roles()
        self.assertIn(("blog", "change_others_article"), held()["Editors"])

    def test_a_flush_brings_the_groups_back(self):
        # What flush does after emptying the tables (a TransactionTestCase, say).
        Group.objects.all().delete()
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        self.assertEqual(held(), {name: set(perms) for name, perms in ROLES.items()})
