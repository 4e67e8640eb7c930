from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from blog.forms import ArticleAdminForm
from blog.models import Article, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status", "author", "category", "published_at", "tag_list"]
    list_filter = ["status", "category", "author", "published_at"]
    list_select_related = ["author", "category"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["category", "translation"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body", "language", "translation"]}),
        (_("Cover"), {"fields": ["cover", "cover_alt", "cover_caption"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "author", "category", "tags", "comments_open"]},
        ),
        (_("Search engines"), {"fields": ["seo_description"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).prefetch_related("tags")
        if request.user.has_perm("blog.change_others_article"):
            return queryset
        return queryset.filter(author=request.user)

    @admin.display(description=_("tags"))
    def tag_list(self, article: Article) -> str:
        return ", ".join(tag.name for tag in article.tags.all())

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if request.user.has_perm("blog.change_others_article"):
            return []
        return ["author"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            from accounts.models import User

            kwargs["queryset"] = User.objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change and not request.user.has_perm("blog.change_others_article"):
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if obj is not None and not obj.is_editable_by(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        if obj is not None and not obj.is_editable_by(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """What hangs on an article (its comments) goes with it: its own permission is enough."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected
