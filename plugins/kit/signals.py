"""Pelican's signals belong to the process, not to one build.

Every command that runs Pelican more than once in a process (live reload,
outage-publish after a build, the tests) disconnects every receiver before
and after its run: otherwise a plugin loaded by an earlier run would keep
acting on a later one whose settings do not list it. Pelican(settings)
connects the listed plugins again.
"""

import weakref

from blinker import NamedSignal
from pelican.plugins import signals as pelican_signals


def disconnect_all():
    for signal in vars(pelican_signals).values():
        if isinstance(signal, NamedSignal):
            for receiver in list(signal.receivers.values()):
                target = receiver() if isinstance(receiver, weakref.ref) else receiver
                if target is not None:
                    signal.disconnect(target)
