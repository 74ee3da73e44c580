"""The Celery app. tenant-schemas-celery puts the current school's schema in every
message's headers and switches to it before the task runs, so a task never runs in
whatever schema the worker used last."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("parta")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
