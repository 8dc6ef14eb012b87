"""Errors that end a command with one clear line (exit code 2), never a traceback."""

from __future__ import annotations


class GoalgraphError(Exception):
    """A user-facing error. ``str()`` is the one line the CLI prints."""

    exit_code = 2


class InputError(GoalgraphError):
    """Bad input: names the file and, where known, the line."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.message, self.file, self.line = message, file, line
        where = file or ""
        if file and line:
            where = f"{file}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(GoalgraphError):
    """Unknown query, parameter, format …"""


class EndpointError(GoalgraphError):
    """A remote SPARQL endpoint is down, slow or answered an error."""


class StoreInUseError(GoalgraphError):
    """Another process holds the store directory."""
