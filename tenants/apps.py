from django.apps import AppConfig


class TenantsConfig(AppConfig):
    """The schools registry. Lives in the PUBLIC schema: regions and municipalities, every
    school (the django-tenants tenant) with its domains, the coordinators of a region, and
    the membership index — which account belongs to which school with which roles — that
    every request and every API token call is checked against."""

    name = "tenants"
    verbose_name = "Schools registry"
