"""fritekst: themes, sentiment and redaction for Norwegian open survey comments."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fritekst")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"
