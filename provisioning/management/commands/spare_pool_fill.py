"""python manage.py spare_pool_fill [--size N] — migrate spare school schemas in advance."""

from django.core.management.base import BaseCommand

from provisioning.services.pool import spare_count, spare_pool_fill


class Command(BaseCommand):
    help = "Top up the pool of spare school schemas (new schools are made by renaming one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", type=int, default=None)

    def handle(self, *args, size: int | None = None, **options) -> None:
        created = spare_pool_fill(size=size)
        self.stdout.write(f"spare schemas: {spare_count()} ({created} created)")
