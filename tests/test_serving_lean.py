"""The running services are lean: neither the gateway nor the action server loads PyTorch, and
only the gateway holds the embedding model (ONNX Runtime); the action server asks it."""
from __future__ import annotations

from urllib.parse import urlparse

import httpx2 as httpx
import pytest

from bench.processes import mapped_libraries, pid_on_port

pytestmark = pytest.mark.stack


def service_libraries(url: str) -> set[str]:
    pid = pid_on_port(urlparse(url).port)
    assert pid is not None, f"nothing listens at {url}"
    return mapped_libraries(pid)


@pytest.fixture(scope="module")
def asked(stack):
    """A document question through the bot, so the action server has answered one."""
    with httpx.Client(base_url=stack.gateway_url, timeout=60, trust_env=False) as client:
        session = client.post("/api/session", json={}).json()
        response = client.post("/api/chat", json={"sender": session["sender"],
                                                  "message": "英才卡申领要提交哪些材料？"},
                               headers={"X-Session-Token": session["token"]})
        assert response.status_code == 200, response.text
        assert response.json(), "the bot gave no reply"
        assert client.post("/api/ask", json={"question": "金卡有哪些待遇"}).status_code == 200
    return stack


def test_no_serving_process_loads_torch(asked):
    for url in (asked.gateway_url, asked.settings.action_server_url):
        libraries = service_libraries(url)
        assert not any(name.startswith(("libtorch", "libc10")) for name in libraries), url


def test_only_the_gateway_holds_the_model(asked):
    assert any(name.startswith("libonnxruntime") or name.startswith("onnxruntime_pybind")
               for name in service_libraries(asked.gateway_url))
    assert not any("onnxruntime" in name
                   for name in service_libraries(asked.settings.action_server_url))
