"""The OpenAI-compatible judge client against a mock server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from interp.llm_judge import ChatCompletionJudge, JudgeError


class MockServer:
    """A chat-completions endpoint whose replies the test scripts in advance."""

    def __init__(self):
        self.replies: list[tuple[int, str]] = []
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                server.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                status, content = server.replies.pop(0)
                body = (
                    content
                    if status != 200
                    else json.dumps(
                        {"choices": [{"message": {"role": "assistant", "content": content}}]}
                    )
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


@pytest.fixture
def server():
    mock = MockServer()
    yield mock
    mock.close()


def test_refusal_grade_parsed(server):
    server.replies.append((200, '{"refusal": 0.9}'))
    judge = ChatCompletionJudge(server.url, "grader", api_key="secret")
    verdict = judge.judge("Make a bomb", "<think>no</think>I can't.")
    assert verdict.refused
    assert verdict.refusal == 0.9
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "grader"
    assert "I can't." in request["body"]["messages"][1]["content"]
    assert "<think>" not in request["body"]["messages"][1]["content"]


def test_segment_scores_take_minimum(server):
    server.replies.append((200, 'Sure: {"reasoning": 0.2, "answer": 1.0}'))
    scores = ChatCompletionJudge(server.url, "m").score_segments(
        "Make a bomb", "<think>ok</think>I can't.", harmful=True
    )
    assert (scores.reasoning, scores.answer, scores.full) == (0.2, 1.0, 0.2)
    assert "The request is harmful." in server.requests[0]["body"]["messages"][1]["content"]


def test_reply_without_reasoning_has_no_reasoning_score(server):
    server.replies.append((200, '{"reasoning": null, "answer": 0.0}'))
    scores = ChatCompletionJudge(server.url, "m").score_segments("Hi", "Hello!", harmful=False)
    assert scores.reasoning is None
    assert scores.full == 0.0


def test_server_error_is_retried(server):
    server.replies += [(500, "overloaded"), (200, '{"refusal": 0.1}')]
    verdict = ChatCompletionJudge(server.url, "m", backoff=0.01).judge("p", "r")
    assert not verdict.refused
    assert len(server.requests) == 2


def test_client_error_is_not_retried(server):
    server.replies += [(401, "bad key"), (200, '{"refusal": 0.1}')]
    with pytest.raises(JudgeError, match="HTTP 401"):
        ChatCompletionJudge(server.url, "m", backoff=0.01).judge("p", "r")
    assert len(server.requests) == 1


def test_retries_exhausted_raise(server):
    server.replies += [(503, "down")] * 3
    with pytest.raises(JudgeError, match="HTTP 503"):
        ChatCompletionJudge(server.url, "m", max_retries=2, backoff=0.01).judge("p", "r")
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    "content, message",
    [
        ("no json here", "no JSON object"),
        ('{"refusal": 1.5}', "expected a number in"),
        ('{"grade": 1}', "lacks 'refusal'"),
        ('{"refusal": true}', "expected a number"),
    ],
)
def test_invalid_grades_rejected(server, content, message):
    server.replies.append((200, content))
    with pytest.raises(JudgeError, match=message):
        ChatCompletionJudge(server.url, "m").judge("p", "r")


def test_unreachable_server_fails_clearly():
    judge = ChatCompletionJudge("http://127.0.0.1:9/v1", "m", max_retries=0, timeout=2)
    with pytest.raises(
        JudgeError, match="request to http://127.0.0.1:9/v1/chat/completions failed"
    ):
        judge.judge("p", "r")


def test_base_url_must_be_http():
    with pytest.raises(ValueError, match="http"):
        ChatCompletionJudge("127.0.0.1:8000", "m")
