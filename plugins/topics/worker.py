"""Text analysis in a second process, overlapped with Pelican's Markdown reading.

On a cold build of a large site the analysis (about half a millisecond per
article plus about 0.7 s to load simplemma's dictionary) would otherwise add
seconds to the build. Pelican reads Markdown on one core; here a second
process analyzes the texts on the other core while the first keeps reading.
Documents are handed over in `content_object_init`; their automatic tags are
merged at the latest in `article_generator_pretaxonomy` (articles) and
`all_generators_finalized` (FAQ entries, notices), always before Pelican
builds its taxonomy.

The worker is a plain `python -m topics.worker` subprocess talking pickled
messages over its stdin/stdout (multiprocessing's "spawn" would re-import the
caller's main script, "fork" is unsafe in a threaded process such as the
livereload server). A reader thread empties the result pipe so that neither
side can block the other. If the worker cannot be started or dies, the
remaining texts are analyzed in the build process: same result, only slower.
"""

import logging
import os
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

logger = logging.getLogger(__name__)

BATCH = 24
PLUGINS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Worker:
    """One `python -m topics.worker` process with its pipes and result reader."""

    def __init__(self, engine, arrived):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PLUGINS_DIR, env.get("PYTHONPATH")]))
        self.done = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "topics.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
        )
        self.sender = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.process.stdin.close()
        receiver = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdout.close()
        self.reader = threading.Thread(target=self._read, args=(receiver, arrived), daemon=True,
                                       name="topics-results")
        self.reader.start()
        self.sender.send((engine.taxonomy, engine.place_weights, engine.max_auto))

    def _read(self, receiver, arrived):
        try:
            while True:
                arrived.append(receiver.recv())
        except (EOFError, OSError):
            pass
        finally:
            receiver.close()
            self.done.set()

    def send(self, batch):
        self.sender.send(batch)

    def stop(self):
        """Closing its stdin ends the worker's loop; it then exits by itself."""
        if self.sender is not None:
            try:
                self.sender.close()
            except OSError:
                pass
            self.sender = None
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.reader.join(timeout=5)


class Pipeline:
    """Hands texts to the workers and collects the analyses by content key."""

    def __init__(self, engine, workers=2):
        self.engine = engine
        self.owner = os.getpid()
        self.pending = {}  # key → (title, summary, content) until its result arrived
        self.batch = []
        self.arrived = []  # filled by the reader threads (list.append is atomic)
        self.workers = []
        self.turn = 0
        for _ in range(max(1, workers)):
            try:
                self.workers.append(_Worker(engine, self.arrived))
            except Exception as exc:  # noqa: BLE001 - fewer or no workers: analyzed inline
                logger.info("topics: analysis worker not started (%s)", exc)
                break

    @property
    def alive(self):
        return bool(self.workers) and os.getpid() == self.owner

    def submit(self, key, title, summary, content):
        if key in self.pending:
            return
        self.pending[key] = (title, summary, content)
        self.batch.append((key, title, summary, content))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self):
        if self.batch and self.alive:
            worker = self.workers[self.turn % len(self.workers)]
            self.turn += 1
            try:
                worker.send(self.batch)
            except OSError:
                self.workers.remove(worker)
                worker.stop()
                self.batch = [item for item in self.batch]
                if self.workers:
                    return self.flush()
        self.batch = []

    def _take_arrived(self):
        while self.arrived:
            for key, analysis in self.arrived.pop(0):
                self.engine.memory[key] = analysis
                self.pending.pop(key, None)

    def wait(self):
        """Every submitted text analyzed (engine.memory holds the results)."""
        if self.pending and self.alive:
            self.flush()
            while True:
                self._take_arrived()
                if not self.pending:
                    break
                if all(w.done.is_set() for w in self.workers) and not self.arrived:
                    break  # every worker has gone: the rest is done here
                time.sleep(0.005)
        self._take_arrived()
        for key, (title, summary, content) in sorted(self.pending.items()):
            # A worker died or never started: finish here, same code, same result.
            self.engine.analyze(title, summary, content)
        self.pending.clear()

    def close(self):
        if os.getpid() != self.owner:
            return
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.stop()


def main():
    """Worker process: read the taxonomy, then batches of texts until stdin closes."""
    receiver = Connection(os.dup(0), writable=False)
    sender = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # nothing printed by accident may corrupt the result stream
    from topics.engine import Engine

    try:
        taxonomy, place_weights, max_auto = receiver.recv()
    except EOFError:
        return
    engine = Engine(taxonomy, place_weights, max_auto)
    while True:
        try:
            batch = receiver.recv()
        except EOFError:
            break
        out = []
        for key, title, summary, content in batch:
            _key, analysis = engine.analyze(title, summary, content)
            out.append((key, analysis))
            engine.memory.pop(_key, None)
        sender.send(out)
    sender.close()


if __name__ == "__main__":
    main()
