"""The core's account notices (password reset, role granted, person linked) become in-app
notifications of the account's owner, written in the same transaction as the change."""
from django.dispatch import receiver

from appraisal.events import account_notice

from .models import Notification


@receiver(account_notice)
def notify_account_owner(sender, account, text, url="", **kwargs):
    Notification.objects.create(recipient=account, text=text[:500], url=url[:200])
