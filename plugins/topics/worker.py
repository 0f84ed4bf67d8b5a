"""Text analysis in a second process, next to Pelican's own work.

On a cold build of a large site the analysis (about half a millisecond per
article plus about a second to load simplemma's dictionary) would otherwise add
seconds to the build. The worker starts once enough texts miss the cache,
after Pelican has read the Markdown (its threads would keep the speed plugin
from reading on both cores). Documents
are handed over in `content_object_init`; their automatic tags are merged at
the latest in `article_generator_pretaxonomy` (articles) and
`all_generators_finalized` (FAQ entries, notices), always before Pelican
builds its taxonomy. The speed plugin reads Markdown before that, so the
build process soon has nothing to do but wait: it says so (HURRY), and the
worker forks a helper for half of what is left, so both cores analyze.

The worker is a plain Python subprocess running `main()` talking pickled
messages over its stdin/stdout (multiprocessing's "spawn" would re-import the
caller's main script, "fork" is unsafe in a threaded process such as the
livereload server; the worker itself has no threads when it forks its helper).
A sender thread writes the texts and a reader thread empties the result pipe,
so the build never waits for the worker while it hands texts over (a pipe
holds 64 KB), and neither side can block the other. If the worker cannot be
started or dies, the remaining texts are analyzed in the build process: same
result, only slower.

The worker starts with the build's lemma memo (german.lemmas, filled from the
cache) and, when its input closes, sends back what it learnt, so the memo on
disk also holds the words only the worker looked up.
"""

import collections
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

from german import lemmas

from .engine import Engine, split_packed
from .model import Model

logger = logging.getLogger(__name__)

BATCH = 24
HURRY = "hurry"  # the build process waits for results: the worker may use both cores
SPLIT_MINIMUM = 96  # texts left before a helper is worth forking
PLUGINS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Worker:
    """One worker process (`main()` in a new interpreter) with its pipes and result reader."""

    def __init__(self, engine, arrived, memo=None, helper=False):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PLUGINS_DIR, env.get("PYTHONPATH")]))
        self.done = threading.Event()
        self.process = subprocess.Popen(
            # Not `-m topics.worker`: the package imports this module, so runpy would
            # load it a second time as __main__ and print a RuntimeWarning.
            [sys.executable, "-c", "from topics.worker import main; main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
        )
        self.sender = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.process.stdin.close()
        receiver = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdout.close()
        self.reader = threading.Thread(target=self._read, args=(receiver, arrived), daemon=True,
                                       name="topics-results")
        self.reader.start()
        self.outbox = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, daemon=True, name="topics-texts")
        self.writer.start()
        self.send((engine.taxonomy, engine.place_weights, engine.max_auto, memo or ({}, {}),
                   {"split_minimum": SPLIT_MINIMUM, "helper": helper,
                    "model": engine.model.as_data() if engine.model else None}))

    def _write(self):
        """Send queued messages in order; None closes the worker's input."""
        sender = self.sender
        try:
            while True:
                message = self.outbox.get()
                if message is None:
                    break
                sender.send(message)
        except OSError:
            pass  # the worker has gone; its texts are analyzed in the build process
        finally:
            try:
                sender.close()
            except OSError:
                pass

    def _read(self, receiver, arrived):
        try:
            while True:
                arrived.append(receiver.recv())
        except (EOFError, OSError):
            pass
        finally:
            receiver.close()
            self.done.set()

    def send(self, message):
        """Queue a message; never blocks (the sender thread writes it)."""
        self.outbox.put(message)

    def stop(self):
        """Closing its stdin ends the worker's loop; it then exits by itself."""
        if self.sender is not None:
            self.outbox.put(None)
            self.writer.join(timeout=60)
            self.sender = None
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.reader.join(timeout=5)


class Pipeline:
    """Hands texts to the workers and collects the analyses by content key."""

    def __init__(self, engine, workers=2, memo=None):
        self.engine = engine
        self.owner = os.getpid()
        self.pending = {}  # key → (title, summary, content) until its result arrived
        self.batch = []
        self.arrived = []  # filled by the reader threads (list.append is atomic)
        self.learnt = []  # (lemmas, known) the workers sent when they finished
        self.workers = []
        self.turn = 0
        workers = max(1, workers)
        # While the build process waits, each worker may fork a helper if the cores allow.
        helper = hasattr(os, "fork") and 2 * workers <= (os.cpu_count() or 1)
        for _ in range(workers):
            try:
                self.workers.append(_Worker(engine, self.arrived, memo, helper))
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
            worker.send(self.batch)
        self.batch = []

    def _take_arrived(self):
        while self.arrived:
            message = self.arrived.pop(0)
            if isinstance(message, dict):  # a worker's last words: its lemma memo
                self.learnt.append((message.get("lemmas") or {}, message.get("known") or {}))
                continue
            for key, numbers, packed in message:
                self.engine.keep(key, numbers, packed)
                self.pending.pop(key, None)

    def wait(self):
        """Every submitted text analyzed (engine.memory holds the results)."""
        if self.pending and self.alive:
            self.flush()
            for worker in self.workers:
                worker.send(HURRY)  # this process now idles: the worker may take both cores
            while True:
                self._take_arrived()
                if not self.pending:
                    break
                if all(w.done.is_set() for w in self.workers) and not self.arrived:
                    break  # every worker has gone: the rest is done here
                time.sleep(0.005)
        self._take_arrived()
        for _key, (title, summary, content) in sorted(self.pending.items()):
            # A worker died or never started: finish here, same code, same result.
            self.engine.analyze(title, summary, content)
        self.pending.clear()

    def close(self):
        """Stop the workers; [(lemmas, known)] they learnt (empty in a forked child)."""
        if os.getpid() != self.owner:
            return []
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.stop()
        self._take_arrived()
        learnt, self.learnt = self.learnt, []
        return learnt


def _analyze(engine, batch):
    """[(key, numbers, packed evidence)]: packing here spares the build process
    unpickling evidence it keeps packed anyway (engine.Engine.keep)."""
    out = []
    for key, title, summary, content in batch:
        _key, analysis = engine.analyze(title, summary, content)
        out.append((key, *split_packed(analysis)))
        engine.memory.pop(_key, None)
    return out


def _learnt(known_lemmas, known_words):
    found, known = lemmas.memo()
    return {"lemmas": {k: v for k, v in found.items() if k not in known_lemmas},
            "known": {k: v for k, v in known.items() if k not in known_words}}


class _Helper:
    """A forked copy of the worker (dictionary and matcher already loaded) that
    analyzes some texts; a thread passes its results on as they come, so its
    pipe never fills. If it fails, finish() gives back what it did not do."""

    def __init__(self, engine, texts, known_lemmas, known_words, send):
        self.texts, self.done_keys, self.learnt = texts, set(), None
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            status = 1
            try:
                os.close(read_end)
                out = Connection(write_end, readable=False)
                for start in range(0, len(texts), BATCH):
                    out.send(_analyze(engine, texts[start:start + BATCH]))
                out.send(_learnt(known_lemmas, known_words))
                out.close()
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.thread = threading.Thread(target=self._forward, args=(Connection(read_end, writable=False), send),
                                       daemon=True, name="topics-helper")
        self.thread.start()

    def _forward(self, connection, send):
        try:
            while True:
                message = connection.recv()
                if isinstance(message, dict):
                    self.learnt = message
                else:
                    send(message)
                    self.done_keys.update(item[0] for item in message)
        except (EOFError, OSError):
            pass
        finally:
            connection.close()

    def finish(self):
        """Wait for the helper; (texts it did not analyze, its lemma memo or None)."""
        self.thread.join()
        os.waitpid(self.pid, 0)
        return [t for t in self.texts if t[0] not in self.done_keys], self.learnt


def main():
    """Worker process: read the taxonomy, then batches of texts until stdin closes.

    Texts are taken in as they arrive (after every text), so the backlog is
    known and HURRY is seen at once. When the build process says it waits for
    results (HURRY, from Pipeline.wait) and much is left, the worker forks a
    helper for the later half of the backlog: the build process is idle then,
    so both cores work on the texts. A helper that fails leaves its remaining
    texts to the worker: same results, only later.
    """
    receiver = Connection(os.dup(0), writable=False)
    sender = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # nothing printed by accident may corrupt the result stream
    try:
        taxonomy, place_weights, max_auto, (known_lemmas, known_words), options = receiver.recv()
    except EOFError:
        return
    lemmas.remember(known_lemmas, known_words)
    engine = Engine(taxonomy, place_weights, max_auto,
                    Model.from_data(options["model"]) if options.get("model") else None)
    engine.matcher  # noqa: B018 - compiled before any helper is forked, which then shares it
    backlog = collections.deque()
    eof = hurry = False
    helper = None
    sending = threading.Lock()
    out = []

    def send(message):
        with sending:
            sender.send(message)

    def flush():
        if out:
            send(list(out))
            out.clear()

    def finish_helper():
        left, learnt = helper.finish()
        if learnt:
            lemmas.remember(learnt.get("lemmas") or {}, learnt.get("known") or {})
        backlog.extend(left)

    while True:
        if helper is not None and not backlog:
            flush()
            finish_helper()  # before waiting for more texts: its share may come back
            helper = None
        while not eof and (not backlog or receiver.poll()):
            if not backlog:
                flush()  # results go out before this process waits for more texts
            try:
                message = receiver.recv()
            except EOFError:
                eof = True
                break
            if message == HURRY:
                hurry = True
            else:
                backlog.extend(message)
        if not backlog:
            break
        if hurry and helper is None and options["helper"] and len(backlog) >= options["split_minimum"]:
            flush()
            half = [backlog.pop() for _ in range(len(backlog) // 2)]
            half.reverse()
            try:
                helper = _Helper(engine, half, known_lemmas, known_words, send)
            except OSError:
                backlog.extend(half)
            hurry = False  # one split per HURRY
        out.extend(_analyze(engine, [backlog.popleft()]))
        if len(out) >= BATCH or not backlog:
            flush()
    flush()
    send(_learnt(known_lemmas, known_words))
    sender.close()


if __name__ == "__main__":
    main()
