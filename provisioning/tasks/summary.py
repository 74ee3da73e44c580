"""Tasks that refresh the regional dashboard's figures."""

__all__: list[str] = []
