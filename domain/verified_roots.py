"""Batch signatures a lane has already verified, so a batch's commands cost one Ed25519 check.

Why: the centre signs up to 64 commands with one Ed25519 signature over their Merkle root
(:func:`domain.signing.sign_commands`), and sends a lane's commands of one batch in one
``lane_commands`` message (docs/messaging-journal.md, round 22). Each command carries the
signature and its proof, and the lane checked each alone: 20 commands of one root were 20
identical Ed25519 verifications (~60 us each) of the same bytes.

What is cached is one successful verification, keyed by *all* its inputs: the signer's
public key (not the key id, which a lane's settings could map to another key), the signed
bytes (the batch label, the tree's size and its root) and the signature. Ed25519
verification is a pure function of those three, so a hit gives exactly the answer the
check would give again; anything else (another root: a forged or tampered command whose
proof does not lead to a cached root; another signature or key) misses and is checked in
full. Only successes are stored, so nothing a forger sends can enter. Bounded (least
recently used out): a lane sees a handful of roots a batch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

#: (public key, signed batch bytes, signature), all as the lane received or derived them.
RootKey = tuple[str, bytes, str]


class VerifiedRoots:
    """A bounded set of batch signatures that verified; see the module docstring."""

    def __init__(self, max_roots: int = 256) -> None:
        self.max_roots = max_roots
        self.hits = 0  # checks answered from here (for the metrics and the tests)
        self._roots: OrderedDict[RootKey, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: RootKey) -> bool:
        with self._lock:
            if key not in self._roots:
                return False
            self._roots.move_to_end(key)
            self.hits += 1
            return True

    def __len__(self) -> int:
        return len(self._roots)

    def add(self, key: RootKey) -> None:
        """Note a verification that succeeded (never call it for one that failed)."""
        with self._lock:
            self._roots[key] = None
            self._roots.move_to_end(key)
            while len(self._roots) > self.max_roots:
                self._roots.popitem(last=False)
