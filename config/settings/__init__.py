"""Settings, split by topic. Production differs from development only by environment."""

from .api import *
from .auth import *
from .base import *
from .celery import *
from .database import *
from .observability import *
from .tenancy import *
