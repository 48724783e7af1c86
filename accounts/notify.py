"""Emails to users, in their own language. External delivery goes through Django's configured
email backend (console in development, locmem/file in tests, SMTP in production)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def user_language(user) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, "preferred_language", None) or settings.LANGUAGE_CODE


def reverse_in(user, viewname: str, *args) -> str:
    """A URL path in the user's language ("/gis-bort/..." or "/en/gis-bort/...")."""
    with translation.override(user_language(user)):
        return reverse(viewname, args=args)


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_to_user(*, user, template: str, context: dict) -> None:
    """Render `<template>_subject.txt` and `<template>.txt` in the user's language and send."""
    with translation.override(user_language(user)):
        context = {"user": user, "site_url": absolute_url("/"), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])
