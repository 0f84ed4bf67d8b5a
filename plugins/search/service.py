"""A small synchronous client for `pagefind --service`, the backend of the
`pagefind` Python package.

Why not `pagefind.index.PagefindIndex`: its response reader sleeps 0.1 s
before reading each response, so adding pages one by one costs 0.1 s per
page (400 s for 4,000 pages), and its `get_files` hits its 2 MiB read limit.
This client speaks the same protocol (each message is base64(JSON) followed
by a comma, on stdin and stdout), finds the binary the way the package does
(`pagefind.service.get_executable`: PAGEFIND_BINARY_PATH, pagefind_bin,
then PATH), writes requests without waiting for their answers (Pagefind
handles them in order) and reads the answers in a thread, so preparing the
next page in Python overlaps with Pagefind parsing the previous one.
"""

import base64
import binascii
import json
import subprocess
import threading

STDERR_KEPT = 4000  # characters of Pagefind's stderr kept for an error message


class PagefindError(RuntimeError):
    pass


def executable():
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise PagefindError("the Python package pagefind is not installed") from exc
    path = get_executable()
    if path is None:
        raise PagefindError("the Pagefind binary was not found")
    return str(path)


class PagefindService:
    """One `pagefind --service` process holding one index."""

    def __init__(self, config=None, binary=None):
        self._process = subprocess.Popen(
            [binary or executable(), "--service"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            bufsize=1 << 20,
        )
        self._next_id = 0
        self._answers = {}
        self._closed = False
        self._unreadable = None
        self._stderr = []
        self._ready = threading.Condition()
        self._threads = [
            threading.Thread(target=self._read_answers, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        try:
            answer = self.call({"type": "NewIndex", "config": config}, "NewIndex")
            self.index_id = answer["index_id"]
        except BaseException:
            self.close()
            raise

    # ---- protocol ----------------------------------------------------

    def _read_answers(self):
        # The GetFiles answer is the whole index (about 20 MB at 4,000 pages): it
        # grows in one buffer and is decoded without further copies of it.
        pending = bytearray()
        stream = self._process.stdout
        try:
            while True:
                chunk = stream.read1(1 << 20)
                if not chunk:
                    break
                if b"," not in chunk:
                    pending += chunk
                    continue
                *messages, rest = chunk.split(b",")
                if pending:
                    pending += messages[0]
                    messages[0], pending = pending, bytearray()
                pending += rest
                answers = []
                while messages:
                    message = messages.pop(0)
                    if message.strip():
                        head = bytes(message[:200])
                        try:
                            text = binascii.a2b_base64(message).decode("utf-8")
                        except (binascii.Error, UnicodeDecodeError):
                            text = ""
                        del message  # before the JSON is parsed
                        answers.append(self._decode(text, head))
                with self._ready:
                    for answer in answers:
                        if answer:
                            self._answers[answer.get("message_id")] = answer.get("payload") or {}
                    self._ready.notify_all()
        finally:
            with self._ready:
                self._closed = True
                self._ready.notify_all()

    def _decode(self, text, head):
        try:
            answer = json.loads(text)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            # Its message id is lost with it: whoever waits must not wait forever.
            self._unreadable = head
            return None
        return answer

    def _read_stderr(self):
        for line in self._process.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))
            del self._stderr[:-50]

    def send(self, payload):
        """Queue a request; its answer is fetched with `answer(message_id)`."""
        self._next_id += 1
        message = {"message_id": self._next_id, "payload": payload}
        try:
            # Flushed at once: Pagefind starts on a page while the next one is prepared.
            self._process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
            self._process.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise PagefindError(self._failure("stopped while receiving requests")) from exc
        return self._next_id

    def answer(self, message_id, expected):
        try:
            self._process.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise PagefindError(self._failure("stopped while receiving requests")) from exc
        with self._ready:
            while message_id not in self._answers:
                if self._unreadable is not None:
                    raise PagefindError(f"Pagefind gave an unreadable answer: {self._unreadable!r}")
                if self._closed:
                    raise PagefindError(self._failure("stopped before answering"))
                self._ready.wait()
            payload = self._answers.pop(message_id)
        if payload.get("type") != expected:
            raise PagefindError(f"{payload.get('message') or payload} (expected {expected})")
        return payload

    def call(self, payload, expected):
        return self.answer(self.send(payload), expected)

    def _failure(self, what):
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._threads[1].join(timeout=1)  # the rest of stderr
        tail = "".join(self._stderr).strip()[-STDERR_KEPT:]
        message = f"Pagefind {what} (exit code {self._process.returncode})"
        return f"{message}: {tail}" if tail else message

    # ---- index operations ---------------------------------------------

    def add_html_file(self, source_path, content):
        """Queue one page; Pagefind computes its URL from `source_path` as for a file on disk."""
        return self.send({"type": "AddFile", "index_id": self.index_id, "file_path": source_path,
                          "url": None, "file_contents": content})

    def get_files(self, meanwhile=None):
        """Build the index; the bundle as {relative path: bytes}. `meanwhile` is
        called while Pagefind builds it (seconds, on one core).

        Not WriteFiles: Pagefind answers that request while its last writes
        may still be under way, and leaving the service ends the process at
        once, which can leave files empty. These files arrive complete."""
        message_id = self.send({"type": "GetFiles", "index_id": self.index_id})
        if meanwhile:
            meanwhile()
        items = self.answer(message_id, "GetFiles")["files"]
        files = {}
        while items:  # each file's text is dropped once decoded
            item = items.pop()
            files[item["path"].replace("\\", "/")] = base64.b64decode(item["content"])
        return files

    def close(self):
        try:
            self._process.stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
