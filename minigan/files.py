"""Opening the files minigan reads (checkpoints, classifier caches, IDX data): regular files only.

A FIFO named like a data file would make ``open`` wait for a writer forever, a device such as
``/dev/zero`` would be read without end, and a folder gives an error that does not say which
file was meant. ``open_regular`` therefore opens without waiting (``O_NONBLOCK``, which a regular
file ignores) and then checks, on the open file itself, that it is a regular file: the file
checked is the file read, even if the name is swapped in between.
"""

import os
import stat

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"),
         (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def open_regular(path, what):
    """``path`` opened for binary reading, when it is a regular file.

    ``what`` names the file in errors ("checkpoint", "IDX file"). Raises ``FileNotFoundError``
    ("no checkpoint at ...") when nothing is there, and ``ValueError`` naming the path when it
    cannot be opened or is not a regular file (a folder, a FIFO, a device).
    """
    path = os.fspath(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise FileNotFoundError(f"no {what} at {path}") from None
    except OSError as err:  # no permission, a broken link, a name too long
        raise ValueError(f"{path}: cannot open this {what}: {err.strerror or err}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in KINDS if test(mode)), "something other than a file")
        raise ValueError(f"{path} is {kind}, not {'an' if what[0] in 'AEIOUaeiou' else 'a'} {what}")
    return os.fdopen(fd, "rb")
