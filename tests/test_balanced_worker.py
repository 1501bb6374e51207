"""The gunicorn worker that takes new connections at the pace it finishes requests."""

import selectors
import socket
from concurrent import futures

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from grader import balanced_worker
from grader.balanced_worker import BalancedThreadWorker

pytestmark = pytest.mark.skipif(not balanced_worker.SUPPORTED,
                                reason="this gunicorn's gthread internals are not the ones "
                                       "the balanced worker hooks into")


class _Listener:
    """A real loopback listening socket, as gunicorn's workers hold them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.address = self.sock.getsockname()
        self.clients: list[socket.socket] = []

    def connect(self) -> None:
        client = socket.create_connection(self.address)
        self.clients.append(client)

    def __getattr__(self, name):
        return getattr(self.sock, name)

    def close(self) -> None:
        for c in self.clients:
            c.close()
        self.sock.close()


@pytest.fixture
def worker():
    cfg = Config()
    cfg.set("threads", 2)
    listener = _Listener()
    w = BalancedThreadWorker(0, 0, [listener.sock], None, 30, cfg, Logger(cfg))
    # what init_process sets up before the run loop, without forking or looping
    w.tpool = futures.ThreadPoolExecutor(max_workers=1)
    w.poller = selectors.DefaultSelector()
    w.method_queue.init()
    w.handle = lambda conn: False  # a request that ends its connection
    w.set_accept_enabled(True)
    yield w, listener
    w.tpool.shutdown(wait=True)
    w.poller.close()
    listener.close()


def test_stops_listening_once_each_thread_has_taken_a_connection(worker):
    w, listener = worker
    for _ in range(3):
        listener.connect()
    w.accept(listener.sock)
    assert w._accepting
    w.accept(listener.sock)
    assert not w._accepting, "two threads, two new connections: no third until one finishes"
    assert w.nr_conns == 2


def test_each_finished_request_lets_it_take_one_more(worker):
    w, listener = worker
    for _ in range(3):
        listener.connect()
    w.accept(listener.sock)
    w.accept(listener.sock)
    done = futures.Future()
    done.set_result(False)
    conn = type("Conn", (), {"close": lambda self, graceful=False: None})()
    w.finish_request(conn, done)
    assert w.credit == 1
    w.set_accept_enabled(True)  # what the run loop does after the callbacks
    assert w._accepting
    w.accept(listener.sock)
    assert w.nr_conns == 2 and not w._accepting  # one closed, one more taken, room for none


def test_never_holds_more_credit_than_threads(worker):
    w, _ = worker
    done = futures.Future()
    done.set_result(False)
    conn = type("Conn", (), {"close": lambda self, graceful=False: None})()
    w.nr_conns = 5
    for _ in range(5):
        w.finish_request(conn, done)
    assert w.credit == 2


def test_out_of_credit_it_takes_a_connection_again_after_the_grace(worker):
    w, listener = worker
    for _ in range(3):
        listener.connect()
    w.accept(listener.sock)
    w.accept(listener.sock)
    assert not w._accepting
    w.set_accept_enabled(True)  # the run loop asks at once: still no
    assert not w._accepting
    w.last_accept -= balanced_worker.GRACE  # as if GRACE seconds had passed
    w.set_accept_enabled(True)  # connections that never send a request block nobody for long
    assert w._accepting
    w.accept(listener.sock)
    assert w.nr_conns == 3 and not w._accepting
