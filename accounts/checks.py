from django.conf import settings
from django.core.checks import Warning


def two_step_required(app_configs, **kwargs) -> list[Warning]:
    """`check --deploy`: a production site requires a second step of its most powerful
    accounts."""
    if settings.TWO_STEP_REQUIRED:
        return []
    return [
        Warning(
            "TWO_STEP_REQUIRED is off: superusers and editors-in-chief can sign in to the "
            "admin with a password alone.",
            hint="Leave TWO_STEP_REQUIRED unset (or true) in production: only the demo "
            "turns it off.",
            id="accounts.W001",
        )
    ]
