from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """Connecting schools: connection requests, activation codes and provisioning jobs.
    Lives in the PUBLIC schema: it exists before a school's schema does."""

    name = "provisioning"
    verbose_name = "Provisioning"
