from django import template

from blog.models import Article

register = template.Library()


@register.simple_tag
def articles_in_review_count() -> int:
    """How many articles wait for a reviewer, for the admin's home page."""
    return Article.objects.filter(status=Article.Status.IN_REVIEW).count()
