"""Defence in depth for query processes: no network, bounded memory (Linux; elsewhere a no-op
that says so).

The SERVICE guard decides which queries run; this module makes sure that a query the guard
let through by mistake still cannot reach another host: before a query process opens the
store it moves into a network namespace of its own (no interface but a down loopback), and
when the kernel refuses that it asks Landlock to forbid TCP connect and bind. Whatever was
applied is reported back to the server, which logs it (loudly when nothing could be).

    >>> isolation = isolate_network()                # doctest: +SKIP
    >>> isolation                                    # doctest: +SKIP
    'network namespace'
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38
# Landlock system calls have the same numbers on every architecture (added in Linux 5.13).
SYS_LANDLOCK_CREATE_RULESET, SYS_LANDLOCK_RESTRICT_SELF = 444, 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_ACCESS_NET_BIND_TCP, LANDLOCK_ACCESS_NET_CONNECT_TCP = 1, 2
NONE_PREFIX = "none"  # an isolation string starting so means the network is reachable


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def isolate_network() -> str:
    """Cut this process off the network; returns how, or ``"none: <why>"``.

    Must run before any thread starts (a multithreaded process cannot unshare its user
    namespace), i.e. before the store is opened.
    """
    if not sys.platform.startswith("linux"):
        return f"{NONE_PREFIX}: no network isolation on {sys.platform}"
    libc, reasons = _libc(), []
    for flags, name in ((CLONE_NEWNET, "network namespace"),
                        (CLONE_NEWUSER | CLONE_NEWNET, "user and network namespace")):
        if libc.unshare(flags) == 0:
            return name
        reasons.append(f"unshare({name}): {os.strerror(ctypes.get_errno())}")
    landlock = _landlock_no_tcp(libc)
    if landlock is None:
        return "landlock (TCP connect and bind denied)"
    reasons.append(landlock)
    return f"{NONE_PREFIX}: " + "; ".join(reasons)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64)]


def _landlock_no_tcp(libc) -> str | None:
    """Deny every TCP connect and bind through Landlock (ABI 4+); None on success, else why."""
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    abi = syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                  ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    if abi < 4:
        why = os.strerror(ctypes.get_errno()) if abi < 0 else f"ABI {abi} has no network rules"
        return f"landlock: {why}"
    attr = _RulesetAttr(0, LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
    fd = syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)),
                 ctypes.c_uint32(0))
    if fd < 0:
        return f"landlock ruleset: {os.strerror(ctypes.get_errno())}"
    try:
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
                syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(fd), ctypes.c_uint32(0)) != 0:
            return f"landlock restrict: {os.strerror(ctypes.get_errno())}"
    finally:
        os.close(fd)
    return None


def limit_memory(megabytes: float) -> int | None:
    """Cap this process's address space at its present size plus ``megabytes`` (0: no cap).

    Measured from the present size so that what the interpreter and the opened store
    already map does not eat the query's share. Returns the limit in bytes, or None.
    An allocation past it fails: in the engine that aborts the process (the server then
    answers 503 and starts another), in Python it raises MemoryError.
    """
    if megabytes <= 0 or not hasattr(resource, "RLIMIT_AS"):
        return None
    limit = _address_space() + int(megabytes * 2**20)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def _address_space() -> int:
    """VmSize of this process in bytes (Linux), else 0."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def is_isolated(isolation: str) -> bool:
    """Whether an :func:`isolate_network` answer means the network is cut off."""
    return not isolation.startswith(NONE_PREFIX)
