"""Signals the core sends so that the apps above it can react without the core importing them.

``period_state_changed`` is sent inside the transaction that moved the period (kwargs: period,
old_state, new_state, user); receivers that start work must do so on commit.
"""
from django.dispatch import Signal

period_state_changed = Signal()

# ``account_notice`` tells an account's owner about a security event on the account (kwargs:
# account, text, url). Sent inside the transaction; the in-app notification (tracelog) is
# written in it, so a failed notice rolls the change back like a failed audit write.
account_notice = Signal()
