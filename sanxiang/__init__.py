"""Sanxiang (三项制度执法平台): Django project package."""

from .celery import app as celery_app

__all__ = ("celery_app",)
