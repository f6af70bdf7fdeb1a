"""Swap the receivers of a signal for a test: the apps connect theirs at start-up, and a test that
pins an outcome must not depend on what every other app sends."""

from contextlib import contextmanager


@contextmanager
def only_receivers(signal, *receivers):
    """Within the block, ``signal`` reaches exactly ``receivers`` (functions taking ``sender`` and
    keyword arguments); the apps' receivers are back afterwards."""
    with signal.lock:
        saved = signal.receivers
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        for receiver in receivers:
            signal.connect(receiver, weak=False)
        yield signal
    finally:
        with signal.lock:
            signal.receivers = saved
            signal.sender_receivers_cache.clear()
