"""See timm/__init__.py."""
