"""``PurePath(p).name`` / ``.suffix`` of a file name without building a path object (a few µs each)."""

from __future__ import annotations

from pathlib import PurePath


def file_name(path: str) -> str:
    """``PurePath(path).name``: the text after the last '/' when it is a plain name (not empty, not '.', no
    backslash or drive colon that another path flavour would split at); otherwise PurePath decides."""
    tail = path.rpartition("/")[2]
    if tail and tail != "." and "\\" not in tail and ":" not in tail:
        return tail
    return PurePath(path).name


def file_suffix(path: str) -> str:
    """``PurePath(path).suffix`` ('.html'; '' for none, a name ending in '.', or a dot-file's name)."""
    name = file_name(path)
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""
