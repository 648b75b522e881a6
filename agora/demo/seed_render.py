"""Rendering seeded text through the walls' real renderer (Markdown, @mentions, #tags, the sanitiser), in parallel."""
from __future__ import annotations

import multiprocessing
import time
from collections import deque

from agora.extensions import db

# Texts per task: large enough to amortise pickling, small enough to keep both processes busy.
TASK_SIZE = 500
_worker_context = None


def _init_worker(app) -> None:
    global _worker_context
    # Forked from the seeding process: its pooled connections must not be shared, so open fresh ones.
    db.engine.dispose(close=False)
    _worker_context = app.app_context()
    _worker_context.push()


def render_texts(texts: list[str]) -> tuple[list[tuple[str, list[int], dict[str, str]]], float]:
    """(html, mentioned user ids, hashtags slug -> name) for each text, and the CPU seconds it took."""
    from agora.walls.rendering import render

    started = time.process_time()
    out = []
    for text in texts:
        rendered = render(text)
        out.append((rendered.html, rendered.mentioned, rendered.hashtags))
    # End the read transaction, so a long seed does not pin an old snapshot.
    db.session.rollback()
    return out, time.process_time() - started


class _Done:
    def __init__(self, value):
        self.value = value

    def get(self):
        return self.value


class Renderer:
    """Renders batches of texts in a pool of `jobs` forked processes (in this process when jobs <= 1),
    returning results in submission order."""

    def __init__(self, app, jobs: int):
        self.pool = None
        self.cpu_seconds = 0.0
        self.count = 0
        if jobs > 1:
            self.pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker, initargs=(app,))

    def submit(self, texts: list[str]) -> list:
        """Start rendering `texts`; returns handles for `collect`."""
        handles = []
        for start in range(0, len(texts), TASK_SIZE):
            chunk = texts[start:start + TASK_SIZE]
            if self.pool is None:
                handles.append(_Done(render_texts(chunk)))
            else:
                handles.append(self.pool.apply_async(render_texts, (chunk,)))
        return handles

    def collect(self, handles: list) -> list[tuple[str, list[int], dict[str, str]]]:
        """Wait for the results of `submit`, in order."""
        results = []
        for handle in handles:
            out, seconds = handle.get()
            results.extend(out)
            self.cpu_seconds += seconds
        self.count += len(results)
        return results

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


class Pipeline:
    """Generate batch k+1 while batch k renders: keeps at most `depth` batches in flight."""

    def __init__(self, renderer: Renderer, write, depth: int = 2):
        self.renderer, self.write, self.depth = renderer, write, depth
        self.pending: deque = deque()

    def push(self, batch, texts: list[str]) -> None:
        self.pending.append((batch, self.renderer.submit(texts)))
        while len(self.pending) > self.depth:
            self._flush_one()

    def _flush_one(self) -> None:
        batch, handles = self.pending.popleft()
        self.write(batch, self.renderer.collect(handles))

    def drain(self) -> None:
        while self.pending:
            self._flush_one()
