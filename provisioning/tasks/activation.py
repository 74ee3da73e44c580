"""Tasks that provision schools and keep the spare-schema pool full."""

__all__: list[str] = []
