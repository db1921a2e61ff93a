"""Learners' files read and written without ever following a link.

A submission folder may hold a symbolic link or a hard link (a trainer unpacking an
archive by hand, a shared drive): read, it would give another file's content (the source
notebook, with its solutions); written, it would change that file. Every read of a
learner's file goes through ``read_own``: a regular file with one link, opened without
following links, inside the course's folders. Every repair is written to a new file
renamed into place (``replace``), which replaces a link rather than writing through it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


class NotOwnFile(OSError):
    """A path that is a link, not a regular file, or outside the folder it should be in."""


def why_not_own(info: os.stat_result) -> str | None:
    """Why a file with this ``lstat``/``fstat`` is not a learner's own file, or None."""
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_nlink != 1:
        return "a hard link to another file"
    return None


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``'s folder is under ``root`` with no linked folder on the way."""
    root_real = Path(os.path.realpath(root))
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(os.path.abspath(root))
    except ValueError:
        return False
    return Path(os.path.realpath(absolute.parent)) == root_real / relative.parent


def open_own(path: Path, root: Path) -> int:
    """A read-only descriptor of ``path``, a regular file with one link under ``root``."""
    if not inside(path, root):
        raise NotOwnFile(f"{path.name}: in a linked folder or outside the course")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == 40:  # ELOOP: the last part is a symbolic link
            raise NotOwnFile(f"{path.name}: a symbolic link") from None
        raise
    why = why_not_own(os.fstat(fd))
    if why:
        os.close(fd)
        raise NotOwnFile(f"{path.name}: {why}")
    return fd


def read_own(path: Path, root: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path`` (see ``open_own``); ``NotOwnFile`` past ``limit`` bytes too."""
    fd = open_own(path, root)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read() if limit is None else handle.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise NotOwnFile(f"{path.name}: larger than {limit} bytes")
    return data


def replace(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file beside ``path``, then rename it onto ``path``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    fd = os.open(temporary, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.rename(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
