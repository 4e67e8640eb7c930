"""What an email service tells us back, through django-anymail's tracking webhooks: a
hard bounce, a complaint or the service's own unsubscribe ends that subscription.

anymail checks each webhook post (its signature or WEBHOOK_SECRET's basic auth) before
it sends the tracking signal; receive() is its receiver (NewsletterConfig.ready).
Soft bounces and deferrals change nothing: the service tries again itself.
"""

import logging

from anymail.signals import AnymailTrackingEvent, EventType

from newsletter.models import Subscriber

logger = logging.getLogger(__name__)

# The events after which mailing the address again would harm the site's reputation.
ENDS_A_SUBSCRIPTION = {EventType.BOUNCED, EventType.COMPLAINED, EventType.UNSUBSCRIBED}


def receive(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """anymail's tracking signal: unsubscribe the address a bounce or complaint names."""
    if event.event_type not in ENDS_A_SUBSCRIPTION or not event.recipient:
        return
    for subscriber in Subscriber.objects.active().for_address(event.recipient):
        if subscriber.unsubscribe():
            # By its number: the address stays out of the logs.
            logger.info(
                "Newsletter subscriber %s unsubscribed: %s reported %s",
                subscriber.pk,
                esp_name,
                event.event_type,
            )
