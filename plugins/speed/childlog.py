"""Warnings and errors of a forked child, kept to be replayed by the parent.

Reading (reading.py) and rendering (writer.py) fork children; what they log
must reach the build's problem collector in the parent, so a warning in a
child still fails `invoke check`.
"""

import logging


class ForwardRecords(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []  # (logger name, level, message)

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not lose the record
            message = str(record.msg)
        self.records.append((record.name, record.levelno, message))
