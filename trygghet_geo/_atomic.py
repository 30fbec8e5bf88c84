"""Every output file is written whole or not at all: written under a temporary name beside its own, then
renamed to it (a rename within one folder is atomic), so that a full disk, a folder taken away or a run
stopped half-way never leaves a half-written file under the name a user opens, and a file that was there
before stays as it was until the new one is complete.

A failed write raises :class:`WriteError` (an :class:`OSError`) naming the file it was to become (the
system's own error names the temporary file, or no file at all); libraries that wrap the system's error in
their own (GDAL, Arrow) have a full disk said the same way. The command line prints it on one line
(``_cli_conventions.fail``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

__all__ = ["WriteError", "replacing", "write_bytes", "write_text"]


class WriteError(OSError):
    """A file (or standard output) could not be written: ``filename`` is the file it was to become,
    ``strerror`` the reason (no space left on device, file too large …)."""


# How libraries that wrap the system's error say the disk is full or the quota used up.
_NO_SPACE = ("no space left on device", "disk full", "disk quota exceeded", "database or disk is full")


def _target(path: Path) -> Path:
    """The file the write is to end in: through a symbolic link to its target (the link stays)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to, with its suffix (writers choose the format by it),
    renamed to ``path`` when the block ends, removed when it fails.

    A ``path`` that is not a regular file (``/dev/null``, a named pipe) is written as it is: it cannot be
    replaced by a rename, nor be left half-written. The new file keeps the permissions of the one it
    replaces.
    """
    final = _target(Path(path))
    if final.exists() and not final.is_file():
        yield final
        return
    temporary = final.with_name(f".{final.stem[:100]}.{os.getpid()}.part{final.suffix}")
    try:
        yield temporary
        if final.exists():
            with contextlib.suppress(OSError):
                os.chmod(temporary, stat.S_IMODE(final.stat().st_mode))
        os.replace(temporary, final)
    except BaseException as exc:
        _drop_writer(exc)
        reason = _no_room(temporary)
        with contextlib.suppress(OSError):  # emptied first: a writer may hold it open still (a zip archive
            os.truncate(temporary, 0)  # with an entry half-written cannot close), and its blocks would
            temporary.unlink()  # stay taken on the full disk until that handle is dropped
        named = _named(exc, final, reason)
        if named is not None:
            raise named from exc
        raise


def _drop_writer(exc: BaseException) -> None:
    """Let go of what the failed writer held, now: an open zip archive (XLSX, DOCX) held by the failed
    call's frames tries to finish itself when it is dropped, and on a full disk fails again, which Python
    would print as "Exception ignored …" after the run's own error. That second failure is no news."""
    import gc
    import sys
    import traceback

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        seen: set[int] = set()
        chained: BaseException | None = exc
        while chained is not None and id(chained) not in seen:  # the errors it was raised from, too
            seen.add(id(chained))
            traceback.clear_frames(chained.__traceback__)
            chained = chained.__cause__ or chained.__context__
        gc.collect()  # an archive in a reference cycle
    finally:
        sys.unraisablehook = hook


def _no_room(temporary: Path) -> int | None:
    """Why a write may have failed whatever the writer says (GDAL reports a full disk under SQLite as a
    missing table): ENOSPC when the file system has less than 1 MB left, EFBIG when the file reached the
    process's file size limit (``ulimit -f``); None when neither."""
    import sys

    if sys.platform == "win32":  # neither statvfs nor a file size limit there
        return None
    import resource

    try:
        free = os.statvfs(temporary.parent)
        if free.f_bavail * free.f_frsize < 1 << 20:
            return errno.ENOSPC
        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit != resource.RLIM_INFINITY and temporary.stat().st_size >= limit - (1 << 16):
            return errno.EFBIG
    except OSError:  # the folder, or the file, is gone
        pass
    return None


def _named(exc: BaseException, final: Path, reason: int | None) -> WriteError | None:
    """``exc`` as an :class:`OSError` naming ``final`` (None: leave it as it is); ``reason``: the errno
    the file system gives (see :func:`_no_room`)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return WriteError(exc.errno, exc.strerror or os.strerror(exc.errno), str(final))
    if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: as they are
        return None
    if any(s in str(exc).lower() for s in _NO_SPACE):
        reason = errno.ENOSPC
    return None if reason is None else WriteError(reason, os.strerror(reason), str(final))


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """``Path.write_text``, whole or not at all (see the module's text); returns ``path``."""
    with replacing(path) as temporary:
        temporary.write_text(text, encoding=encoding)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """``Path.write_bytes``, whole or not at all (see the module's text); returns ``path``."""
    with replacing(path) as temporary:
        temporary.write_bytes(data)
    return Path(path)
