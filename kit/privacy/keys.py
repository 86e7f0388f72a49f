"""The secrets behind the hashes: the machine salt, the per-project pepper, the derived key.

Personal identifiers (phones, 身份证 numbers, IPs, names, OpenIDs) are kept only as
HMAC-SHA256 values, truncated to 16 hex digits. The HMAC key is derived once per process with
scrypt (``hashlib.scrypt``):

* A project whose ``project.yml`` names a pepper (``pepper: <id>``) is hashed with a key derived
  from that pepper: every machine that holds the same pepper gives the same hashes, so waves and
  duplicates can be matched across evaluators' laptops. The pepper is 256 random bits made by
  ``kit pepper new``; it lives in ``~/.config/dangjian-kit/peppers/<id>`` (mode 0600), never in
  the repository or an output, and is handed over separately (``kit pepper export`` / ``import``,
  or the ``KIT_PEPPER`` environment variable on a server). ``<id>`` is a fingerprint of the pepper
  that reveals nothing about it; a project that names a pepper this machine lacks is refused.
* Anything else (an export checked on its own, the bundled synthetic samples) is hashed with a
  key derived from the machine salt: ``$KIT_SALT`` (at least 16 characters) or 256 random bits
  created once, atomically, in ``~/.config/dangjian-kit/salt``. Such hashes match only on the
  same machine.

What the hashes protect, and what they do not: without the key, a hash cannot be turned back
into a phone number (the key is 256 random bits). Whoever holds the key material -- the pepper
for a project that has one, the machine salt otherwise -- can hash every possible phone number
(10^10 of them) and so reverse a phone hash; keep the pepper as carefully as the raw exports.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import re
import secrets
import time
from functools import lru_cache
from pathlib import Path

from ..errors import KitError, ProjectError

__all__ = ["get_salt", "hash_key", "pepper_id", "new_pepper", "store_pepper", "find_pepper",
           "use_pepper", "active_pepper_id", "config_dir", "MIN_SALT_CHARS", "PepperError"]

MIN_SALT_CHARS = 16
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 2 ** 20}
_PEPPER_RE = re.compile(r"^[0-9a-f]{64}$")
_ID_RE = re.compile(r"^[0-9a-f]{16}$")
_active_pepper: contextvars.ContextVar[str | None] = contextvars.ContextVar("kit_pepper",
                                                                            default=None)


class PepperError(ProjectError):
    """A project's pepper is missing on this machine, or a pepper given is malformed."""


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/dangjian-kit`` (default ``~/.config/dangjian-kit``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "dangjian-kit"


# ------------------------------------------------------------------------------------ salt
def get_salt() -> bytes:
    """The machine salt: ``$KIT_SALT`` if set, else the per-machine salt file (created once).

    An empty or short salt (fewer than 16 characters, e.g. ``KIT_SALT=2019``) is refused: a
    guessable salt would let anyone reverse the hashes.
    """
    env = os.environ.get("KIT_SALT")
    if env is not None:
        if len(env.strip()) < MIN_SALT_CHARS:
            raise KitError(f"环境变量 KIT_SALT 太短（{len(env.strip())}个字符，至少需要"
                           f"{MIN_SALT_CHARS}个）：容易被猜中的盐值会让哈希被还原。请设为一串随机字符，"
                           "或删除该变量，由工具在本机自动生成")
        return env.strip().encode("utf-8")
    return _machine_salt(str(config_dir() / "salt"))


@lru_cache(maxsize=4)
def _machine_salt(path_str: str) -> bytes:
    path = Path(path_str)
    try:
        return _read_salt(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write the whole salt under a private name, then link it into place: the link either
    # creates the final name with its full content or fails because another process won, so
    # no process ever reads a half-written (empty) salt.
    tmp = path.with_name(f".salt.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # no hard links here: exclusive create; readers wait for the content
            with contextlib.suppress(FileExistsError):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(tmp.read_text())
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return _read_salt(path)


def _read_salt(path: Path) -> bytes:
    for _ in range(50):  # only a file system without links can show a salt being written
        text = path.read_text(encoding="ascii", errors="replace").strip()
        if len(text) >= MIN_SALT_CHARS:
            return text.encode("ascii")
        time.sleep(0.02)
    raise KitError(f"本机盐值文件内容不完整（{len(text)}个字符）。它可能被手工改动过；删除它后"
                   "重新运行会生成新的盐值，但此前未设 pepper 的项目的哈希将无法与新结果对应", path=path)


# ---------------------------------------------------------------------------------- pepper
def pepper_id(pepper: str) -> str:
    """The public fingerprint of a pepper (16 hex digits): what ``project.yml`` records.

    >>> pepper_id("0" * 64)
    '33d3d8792022dc57'
    """
    return hashlib.sha256(b"dangjian-kit pepper id v1\x00" + pepper.encode("ascii")).hexdigest()[:16]


def new_pepper() -> str:
    """A new pepper: 256 random bits as 64 hex digits."""
    return secrets.token_hex(32)


def _pepper_dir() -> Path:
    return config_dir() / "peppers"


def check_pepper_text(text: str, where: str = "pepper") -> str:
    p = text.strip().lower()
    if not _PEPPER_RE.match(p):
        raise PepperError(f"{where} 不是 kit 生成的 pepper（应为64位十六进制字符，由 kit pepper "
                          "export 导出）")
    return p


def store_pepper(pepper: str) -> Path:
    """Keep a pepper on this machine (``~/.config/dangjian-kit/peppers/<id>``, mode 0600)."""
    pepper = check_pepper_text(pepper)
    d = _pepper_dir()
    d.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(d, 0o700)
    path = d / pepper_id(pepper)
    tmp = d / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(pepper + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def find_pepper(pid: str) -> str | None:
    """The pepper with fingerprint ``pid``: from ``$KIT_PEPPER`` or this machine's store."""
    env = os.environ.get("KIT_PEPPER")
    if env and _PEPPER_RE.match(env.strip().lower()) and pepper_id(env.strip().lower()) == pid:
        return env.strip().lower()
    path = _pepper_dir() / pid
    if path.is_file():
        p = path.read_text(encoding="ascii", errors="replace").strip().lower()
        if _PEPPER_RE.match(p) and pepper_id(p) == pid:
            return p
    return None


def require_pepper(pid: str, project_file: Path) -> None:
    """Stop with a clear message when the project's pepper is not on this machine."""
    if not _ID_RE.match(pid):
        raise PepperError(f"键「pepper」：「{pid}」不是 pepper 编号（应为16位十六进制字符，由 kit pepper "
                          "new 写入）", path=project_file)
    if find_pepper(pid) is None:
        raise PepperError(
            f"本项目的哈希密钥（pepper，编号 {pid}）不在本机。没有它，电话、身份证号等只能换算成与"
            "其他电脑不一致的哈希，所以工具停止运行。请向项目负责人索取 pepper（不要与数据放在一起"
            "传送），然后运行 kit pepper import <文件>；服务器上也可设环境变量 KIT_PEPPER",
            path=project_file)


@contextlib.contextmanager
def use_pepper(pid: str | None):
    """Hash with the project's pepper (by id) inside the block; ``None``: the machine salt."""
    token = _active_pepper.set(pid)
    try:
        yield
    finally:
        _active_pepper.reset(token)


def active_pepper_id() -> str | None:
    return _active_pepper.get()


# ------------------------------------------------------------------------------------- key
def hash_key() -> bytes:
    """The HMAC key for the current context, derived once per process and pepper (scrypt)."""
    pid = _active_pepper.get()
    if pid is not None:
        pepper = find_pepper(pid)
        if pepper is None:
            raise PepperError(f"本项目的哈希密钥（pepper，编号 {pid}）不在本机；请用 kit pepper "
                              "import 导入")
        return _derive(pepper.encode("ascii"), b"dangjian-kit hash key v1 pepper " + pid.encode())
    return _derive(get_salt(), b"dangjian-kit hash key v1 machine")


@lru_cache(maxsize=8)
def _derive(secret: bytes, label: bytes) -> bytes:
    return hashlib.scrypt(secret, salt=label, **_SCRYPT)
