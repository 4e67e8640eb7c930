from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from anymail.signals import tracking

        from blog import workflow
        from newsletter import providers, sending

        # blog may not import this app: it announces, the newsletter queues (sending.py).
        workflow.went_public.connect(
            sending.article_went_public, dispatch_uid="newsletter.article_went_public"
        )
        # An email service's bounces and complaints, checked by anymail's webhooks.
        tracking.connect(providers.receive, dispatch_uid="newsletter.provider_events")
