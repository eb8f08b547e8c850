"""Errors a user can cause and fix; the CLI prints them as one line and exits with status 2."""


class FritekstError(Exception):
    """Base class: the message names the file, row or column and the problem."""


class InputError(FritekstError):
    """A survey file cannot be read or lacks what was asked for."""


class ModelError(FritekstError):
    """A saved model folder or pipeline is missing, damaged or from an incompatible version."""


class OutputError(InputError):
    """An output path cannot be written, or writing it would destroy something unasked."""
