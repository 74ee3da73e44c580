"""Print where the demo is served and how to sign in."""

from django.conf import settings
from django.core.management.base import BaseCommand

from tenants.management.commands.seed_demo import DEMO_PASSWORD, SCHOOLS


class Command(BaseCommand):
    help = "Print the demo URLs and logins."

    def handle(self, *args, **options) -> None:
        port = settings.PORT
        base = settings.BASE_DOMAIN
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS("Parta is starting."))
        out(f"  Portal:           http://{base}:{port}/")
        for spec in SCHOOLS:
            out(f"  {spec['short_name']:<17} http://{spec['slug']}.{base}:{port}/")
        out(f"  API docs:         http://school1.{base}:{port}/api/docs/")
        out(f"  Health:           http://{base}:{port}/readyz")
        out("")
        out(f"Demo logins (password {DEMO_PASSWORD}):")
        out("  coordinator@parta.test        regional coordinator (portal)")
        for spec in SCHOOLS:
            n = spec["number"]
            for role in ("admin", "director", "teacher", "student", "parent"):
                out(f"  {role}@school{n}.parta.test".ljust(32) + f"{role} in {spec['short_name']}")
        out("  multi@parta.test              teacher in school1 and parent in school2")
        out("")
