"""What users expect of any command line, kept beside ``cli.py``: ``--version``, help in the user's language
and exit codes that tell a script what went wrong.

Exit codes (as grep, curl and most Unix tools use them):

- 0: done, also when rows were left out with their reason (they are listed, not an error);
- 1: the data cannot be used (a :class:`~trygghet_geo.errors.TrygghetError` raised while reading or
  analysing: an unreadable file, a column missing, no usable row), or a file could not be written: a full
  disk (``> /dev/full`` too) stops the run with ``error: cannot write 'FILE': no space left on device``
  (``'standard output'`` for ``> file``); each output is written under a temporary name and renamed when
  whole (:mod:`trygghet_geo._atomic`), so no half-written file is left under its own name;
- 2: the command line itself is wrong: argparse's usage errors, a value of an option that is malformed in
  itself (:class:`~trygghet_geo.errors.ParameterError`), or any check of the options made before the work
  starts (a missing input file, an inverted ``--bbox``, an output folder that cannot be written);
- 3: a bug (an unexpected exception);
- 130: interrupted (Ctrl-C), as a shell reports it; the file being written is removed, not left half-written.

A reader that stops reading early (``trygghet-geo … | head -1``) is not an error of the run: the run goes on,
writes every file it writes, and exits with its own status; what it would have printed after the reader
left is dropped, and nothing is said about it (see :func:`reader_may_leave`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NoReturn, TextIO, cast

from trygghet_geo._text import LANGS, TEXTS, resolve_lang, text
from trygghet_geo.errors import InputError, ParameterError, TrygghetError

__all__ = [
    "EXIT_BUG",
    "EXIT_DATA",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "add_conventions",
    "check_catalogue",
    "exit_code",
    "fail",
    "file_names_printable",
    "help_key",
    "lang_from_argv",
    "localize",
    "one_line_warnings",
    "reader_may_leave",
    "reading",
    "ui_language",
]

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C (128 + SIGINT)


class Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (``trygghet-geo analyze: error: …``, exit status 2); the
    usage itself stays one ``--help`` away.

    Options are written whole: argparse's abbreviations (``--n-sim`` for ``--n-simulations``) are off. An
    abbreviation stands for one option only as long as no other option starts the same way, so a script
    that abbreviates would change meaning, or stop working, whenever an option is added (``--no`` once
    meant ``--no-progress`` alone, until ``--no-basemap`` and ``--no-cache`` came). A prefix of options is
    refused naming the options it could be (see :meth:`parse_known_args`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        for given in list(sys.argv[1:] if args is None else args):
            if given == "--" or (self._subparsers is not None and not given.startswith("-")):
                break  # the positionals, or (the top parser) the subcommand, whose parser looks at the rest
            name = given.split("=", 1)[0]
            if not name.startswith("--") or len(name) < 3 or name in self._option_string_actions:
                continue
            whole = sorted(s for s in self._option_string_actions if s.startswith(name))
            if whole:  # found before argparse, which takes '--opt=a b' (a space) for a positional
                self.error(
                    f"{name}: options are written whole, not abbreviated (so that a script keeps its "
                    f"meaning when options are added); did you mean {' or '.join(whole)}?"
                )
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see {self.prog} --help)\n")


def exit_code(exc: BaseException, *, before_work: bool = False) -> int:
    """The exit status for an error: 2 for a usage error, 1 for a data error (or a failed write), 3 for a
    bug."""
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if before_work or isinstance(exc, ParameterError):
        return EXIT_USAGE
    if isinstance(exc, TrygghetError | OSError | MemoryError):  # MemoryError/OSError: a disk full, a folder
        return EXIT_DATA  # taken away during the run
    return EXIT_BUG


def fail(args: argparse.Namespace, exc: BaseException, *, before_work: bool = False) -> int:
    """Print ``exc`` on one line to stderr, as ``trygghet-geo COMMAND: error: …``, and return its exit
    status; a bug says how to get the traceback (``-v``), which is logged then."""
    code = exit_code(exc, before_work=before_work)
    message = " ".join(str(exc).split())  # messages quoting a file's contents may hold line breaks
    if code == EXIT_BUG:
        if args.verbose:
            logging.exception("unexpected error")
        message = (
            f"unexpected error ({type(exc).__name__}: {message}); rerun with -v to see where, and report it"
        )
    elif isinstance(exc, KeyboardInterrupt):
        message = "interrupted (Ctrl-C)"
    elif isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        # a file that failed (a full disk, a folder taken away): the file and the reason, as cp says it
        from trygghet_geo._atomic import WriteError

        reason = f"{exc.strerror[:1].lower()}{exc.strerror[1:]}"
        what = "cannot write " if isinstance(exc, WriteError) else ""
        message = f"error: {what}{' '.join(repr(str(exc.filename)).split())}: {reason}"
    elif not isinstance(exc, TrygghetError):
        message = f"error: {type(exc).__name__}: {message}"
    else:
        message = f"error: {message}"
    with contextlib.suppress(OSError):  # standard error itself on a full disk: the status still tells
        print(f"trygghet-geo {args.command}: {message}", file=sys.stderr)
    return code


@contextlib.contextmanager
def file_names_printable() -> Iterator[None]:
    """Standard output that prints a file name holding bytes that are not UTF-8 (which Python passes on as
    surrogates) as those bytes, as ``ls`` does, instead of failing on it; restored afterwards."""
    stream = sys.stdout
    errors = getattr(stream, "errors", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or errors is None:  # a replaced stream (a notebook, a test's capture)
        yield
        return
    reconfigure(errors="surrogateescape")
    try:
        yield
    finally:
        reconfigure(errors=errors)


class _LeftEarly:
    """A text stream whose reader may leave: once a write or flush meets a closed pipe, every later write is
    dropped, and the file descriptor under it is pointed at ``os.devnull`` so that Python's own flush at
    exit does not fail on what is still buffered. Everything else (``isatty``, ``encoding``, ``fileno`` …)
    is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.gone = False

    def _left(self) -> None:
        self.gone = True
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._left()
            except OSError as exc:  # a full disk under '> file', '> /dev/full'
                raise self._failed(exc) from None
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._left()
            except OSError as exc:
                raise self._failed(exc) from None

    def _failed(self, exc: OSError) -> OSError:
        """``exc`` naming the stream (the system names no file), said once: what is still buffered is
        dropped, so that Python's own flush at exit does not fail on it again."""
        self._left()
        from trygghet_geo._atomic import WriteError

        name = "standard error" if self.stream is sys.__stderr__ else "standard output"
        return WriteError(exc.errno, exc.strerror or str(exc), name)

    def __getattr__(self, name: str) -> object:  # encoding, errors, fileno, isatty … of the stream
        return getattr(self.stream, name)


@contextlib.contextmanager
def reader_may_leave() -> Iterator[None]:
    """Standard output and error that a reader may close before the run ends (``| head -1``): the run
    goes on and its later lines are dropped, instead of a ``BrokenPipeError`` stopping it half-way through
    its files (see the exit codes above); the streams are restored afterwards."""
    before = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (cast(TextIO, _LeftEarly(s)) if s is not None else s for s in before)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                with contextlib.suppress(OSError, ValueError):  # a full disk under '> file': its error was
                    stream.flush()  # met, and reported, at the write that filled it
        sys.stdout, sys.stderr = before


@contextlib.contextmanager
def one_line_warnings(command: str) -> Iterator[None]:
    """Warnings printed as ``trygghet-geo COMMAND: warning: …``, one line each, for one run of the command
    line (Python's own format adds the library's file, line and source line: noise to a user, and a script
    reading stderr line by line cannot tell it from a traceback). The filters are left as they are."""

    def show(message: Warning | str, category: type[Warning], *args: object, **kwargs: object) -> None:
        text = " ".join(str(message).split())
        print(f"trygghet-geo {command}: warning: {text}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


@contextlib.contextmanager
def reading(flag: str, path: object, what: str) -> Iterator[None]:
    """A file read for option ``flag``: an error of the library that reads it (pyogrio, pyrosm, pyarrow,
    zipfile, a codec …) becomes an :class:`~trygghet_geo.errors.InputError` naming the option and the file,
    so that a broken or wrong file is a data error on one line, not a bug."""
    try:
        yield
    except TrygghetError:
        raise
    except Exception as exc:  # each library fails in its own way on a broken file
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        raise InputError(f"{flag} {str(path)!r}: cannot read {what} ({detail})") from exc


def lang_from_argv(argv: Sequence[str]) -> str:
    """The language the help is written in: the last ``--lang sv|en`` anywhere on the line (before or after
    the subcommand), else ``options.lang``. Read before parsing, since the parser's help is built first."""
    lang: str | None = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGS:
            lang = value
    return resolve_lang(lang)


def add_conventions(parser: argparse.ArgumentParser, version: str) -> None:
    """``--version`` and the global ``--lang`` on the top-level parser."""
    parser.add_argument("--version", action="version", version=f"trygghet-geo {version}")
    parser.add_argument(
        "--lang", dest="ui_lang", choices=LANGS, default=None,
        help="language of the help and the output: sv or en (default: options.lang, Swedish)",
    )  # fmt: skip


@contextlib.contextmanager
def ui_language(lang: str | None) -> Iterator[None]:
    """``options.lang`` set to ``lang`` for one run of the command line (unchanged when ``None``)."""
    from trygghet_geo._config import options

    before = options.lang
    if lang is not None:
        options.lang = lang
    try:
        yield
    finally:
        options.lang = before


def help_key(command: str, dest: str) -> str | None:
    """The catalogue key of an option's help: ``cli.<command>.<dest>``, else the shared ``cli.opt.<dest>``."""
    for key in (f"cli.{command}.{dest}", f"cli.opt.{dest}"):
        if key in TEXTS:
            return key
    return None


def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    usage_prefix = text("cli.usage", lang)

    class Formatter(argparse.HelpFormatter):
        def add_usage(
            self,
            usage: str | None,
            actions: Iterable[argparse.Action],
            groups: Iterable[argparse._MutuallyExclusiveGroup],
            prefix: str | None = None,
        ) -> None:
            super().add_usage(usage, actions, groups, prefix or usage_prefix)

    return Formatter


def localize(parser: argparse.ArgumentParser, lang: str, command: str = "") -> None:
    """Every help text, description and heading of ``parser`` and its subparsers in ``lang``, looked up in
    the text catalogue; an option with no entry keeps the text the code gives it."""
    parser.formatter_class = _formatter(lang)
    parser._positionals.title = text("cli.positionals", lang)
    parser._optionals.title = text("cli.options", lang)
    if not command:
        parser.description = text("cli.desc", lang)
    elif f"cli.desc.{command}" in TEXTS and parser.description:
        parser.description = text(f"cli.desc.{command}", lang)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if f"cli.cmd.{choice.dest}" in TEXTS:
                    choice.help = text(f"cli.cmd.{choice.dest}", lang)
            for name, sub in action.choices.items():
                localize(sub, lang, name)
            continue
        if action.help == argparse.SUPPRESS:
            continue
        key = help_key(command, action.dest)
        if key is not None:
            action.help = text(key, lang)


def _english(key: str) -> str | None:
    return text(key, "en") if key in TEXTS else None


def check_catalogue(parser: argparse.ArgumentParser, command: str = "") -> list[str]:
    """Options of ``parser`` (built in English) whose help has no catalogue entry, or whose English entry
    differs from the code's text: the list a test keeps empty."""
    missing: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if _english(f"cli.cmd.{choice.dest}") != choice.help:
                    missing.append(f"cli.cmd.{choice.dest}")
            for name, sub in action.choices.items():
                if sub.description and _english(f"cli.desc.{name}") != sub.description:
                    missing.append(f"cli.desc.{name}")
                missing += check_catalogue(sub, name)
            continue
        if action.help in (None, argparse.SUPPRESS) or action.dest == "help":
            continue
        key = help_key(command, action.dest)
        if key is None or _english(key) != action.help:
            missing.append(key or f"cli.{command}.{action.dest}")
    return missing
