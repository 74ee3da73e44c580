"""Celery tasks of the provisioning app (a package so each concern keeps its own module;
Celery's autodiscovery imports this module)."""

from provisioning.tasks.activation import *  # noqa: F403
from provisioning.tasks.summary import *  # noqa: F403
