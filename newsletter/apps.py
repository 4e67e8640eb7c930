from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from anymail.signals import tracking
        from django.core import checks

        from blog import workflow
        from newsletter import checks as newsletter_checks
        from newsletter import providers, sending

        checks.register(newsletter_checks.site_url, checks.Tags.security, deploy=True)

        # blog may not import this app: it announces, the newsletter queues (sending.py).
        workflow.went_public.connect(
            sending.article_went_public, dispatch_uid="newsletter.article_went_public"
        )
        # An email service's bounces and complaints, checked by anymail's webhooks.
        tracking.connect(providers.receive, dispatch_uid="newsletter.provider_events")
