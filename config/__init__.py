"""Settings for linli: environment (LINLI_*), an optional TOML file, and generated secrets."""

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
