"""The verdict on a request's bytes so far: when a connection may go to a request thread."""

from grader.request_head import BODY_PREREAD, HEAD_LIMIT, Verdict, judge


def test_a_thread_gets_a_request_only_once_its_head_and_small_body_are_here():
    head = b"POST /api/v1/grade HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n"
    assert judge(b"") is Verdict.MORE_HEAD
    assert judge(head[:30]) is Verdict.MORE_HEAD
    assert judge(head) is Verdict.MORE_BODY
    assert judge(head + b"abc") is Verdict.MORE_BODY
    assert judge(head + b"abcde") is Verdict.READY
    assert judge(head + b"abcdeGET / HTTP/1.1\r\n") is Verdict.READY  # pipelined: one at a time
    assert judge(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") is Verdict.READY
    assert judge(b"\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n") is Verdict.MORE_HEAD


def test_bodies_the_thread_reads_itself():
    big = b"POST /x HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (BODY_PREREAD + 1)
    chunked = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    expecting = b"POST /x HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n"
    twice = b"POST /x HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 10\r\n\r\n"
    assert {judge(r) for r in (big, chunked, expecting, twice)} == {Verdict.READY}


def test_a_head_over_the_limit():
    assert judge(b"GET / HTTP/1.1\r\nX: " + b"a" * HEAD_LIMIT) is Verdict.TOO_LARGE
    assert judge(b"GET / HTTP/1.1\r\nX: " + b"a" * HEAD_LIMIT + b"\r\n\r\n") is Verdict.TOO_LARGE


def test_health_checks_are_told_apart_from_other_requests():
    from grader.request_head import is_health_check

    for request in (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"HEAD /healthz HTTP/1.0\r\n\r\n",
                    b"GET /readyz?verbose=1 HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"):
        assert is_health_check(request), request
    for request in (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
                    b"GET /healthzz HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /healthz/x HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                    b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde",
                    b"GET /healthz HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                    b"GET /healthz HTTP/1.1\r\nHost: x\r\n",  # the head is not all here
                    b"GET /api/v1/grade HTTP/1.1\r\nHost: x\r\n\r\n"):
        assert not is_health_check(request), request
