"""The WeChat endpoint, with requests built the way the WeChat server builds them.

Signatures and the safe-mode encryption are computed here from WeChat's documentation with
hashlib and `cryptography` directly, not with wechatpy, so the test checks the gateway's use
of wechatpy against an independent implementation.
Tests marked `stack` answer real text messages through Rasa.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import time
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fastapi.testclient import TestClient

from gateway.app import create_app
from gateway.settings import DEV_WECHAT_TOKEN, Settings

TOKEN = "test-token-4f9a"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat gives it
APP_ID = "wx1234567890abcdef"
OFFICIAL = "gh_policyassistant"


class WeChatServer:
    """Builds signed requests as WeChat's servers send them."""

    def __init__(self, token: str = TOKEN, aes_key: str = AES_KEY, app_id: str = APP_ID):
        self.token, self.app_id = token, app_id
        self.key = base64.b64decode(aes_key + "=")
        self.msg_id = int(time.time() * 1000) * 1000

    @staticmethod
    def sign(*parts: str) -> str:
        return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()

    def query(self, timestamp: int | None = None) -> dict:
        timestamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = str(int.from_bytes(os.urandom(4), "big"))
        return {"signature": self.sign(self.token, timestamp, nonce), "timestamp": timestamp,
                "nonce": nonce, "openid": "oUser"}

    def next_id(self) -> int:
        self.msg_id += 1
        return self.msg_id

    @staticmethod
    def text_xml(content: str, msg_id: int, user: str = "oUser") -> str:
        return (f"<xml><ToUserName><![CDATA[{OFFICIAL}]]></ToUserName>"
                f"<FromUserName><![CDATA[{user}]]></FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")

    @staticmethod
    def event_xml(event: str, user: str = "oUser") -> str:
        return (f"<xml><ToUserName><![CDATA[{OFFICIAL}]]></ToUserName>"
                f"<FromUserName><![CDATA[{user}]]></FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                f"<Event><![CDATA[{event}]]></Event></xml>")

    @staticmethod
    def image_xml(msg_id: int) -> str:
        return (f"<xml><ToUserName><![CDATA[{OFFICIAL}]]></ToUserName>"
                f"<FromUserName><![CDATA[oUser]]></FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
                f"<PicUrl><![CDATA[http://example.invalid/a.jpg]]></PicUrl>"
                f"<MediaId><![CDATA[media_id]]></MediaId><MsgId>{msg_id}</MsgId></xml>")

    # -- safe mode: AES-256-CBC, key = EncodingAESKey, iv = key[:16], PKCS#7 to 32 bytes ----
    def encrypt(self, xml: str, app_id: str | None = None) -> str:
        body = xml.encode()
        plain = os.urandom(16) + struct.pack(">I", len(body)) + body + (app_id or self.app_id).encode()
        pad = 32 - len(plain) % 32
        plain += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> str:
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
        plain = plain[:-plain[-1]]
        length = struct.unpack(">I", plain[16:20])[0]
        assert plain[20 + length:].decode() == self.app_id
        return plain[20:20 + length].decode()

    def safe_request(self, xml: str, app_id: str | None = None) -> tuple[dict, str]:
        query = self.query()
        encrypted = self.encrypt(xml, app_id)
        query.update(encrypt_type="aes",
                     msg_signature=self.sign(self.token, query["timestamp"], query["nonce"],
                                             encrypted))
        envelope = (f"<xml><ToUserName><![CDATA[{OFFICIAL}]]></ToUserName>"
                    f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
        return query, envelope


def reply_content(xml: str, user: str = "oUser") -> str:
    root = ET.fromstring(xml)
    assert root.findtext("MsgType") == "text"
    assert root.findtext("ToUserName") == user
    assert root.findtext("FromUserName") == OFFICIAL
    return root.findtext("Content")


def open_safe_reply(server: WeChatServer, xml: str) -> str:
    """Check the encrypted reply's signature as WeChat does and return the inner XML."""
    root = ET.fromstring(xml)
    encrypted = root.findtext("Encrypt")
    expected = server.sign(server.token, root.findtext("TimeStamp"), root.findtext("Nonce"),
                           encrypted)
    assert root.findtext("MsgSignature") == expected
    return server.decrypt(encrypted)


# Plain mode (明文模式); once an AES key is set only safe mode is accepted (SAFE_SETTINGS).
SETTINGS = Settings().with_(wechat_token=TOKEN, rasa_url="http://127.0.0.1:9", rasa_timeout_s=2.0)
SAFE_SETTINGS = SETTINGS.with_(wechat_aes_key=AES_KEY, wechat_app_id=APP_ID)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(SETTINGS)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def safe_client():
    with TestClient(create_app(SAFE_SETTINGS)) as test_client:
        yield test_client


@pytest.fixture
def wechat():
    return WeChatServer()


def post(client, query, body: str):
    return client.post("/wechat", params=query, content=body.encode(),
                       headers={"content-type": "text/xml"})


# -- URL verification ---------------------------------------------------------------------
def test_url_verification_echoes_echostr(client, wechat):
    response = client.get("/wechat", params={**wechat.query(), "echostr": "8374021639"})
    assert response.status_code == 200 and response.text == "8374021639"


@pytest.mark.parametrize("forge", ["wrong", "missing", "other_token", "old"])
def test_forged_or_stale_signature_is_403(client, wechat, forge):
    query = wechat.query()
    if forge == "wrong":
        query["signature"] = "0" * 40
    elif forge == "missing":
        del query["signature"]
    elif forge == "other_token":
        query = WeChatServer(token="not-our-token").query()
    else:  # a genuine signature captured ten minutes ago, replayed now
        query = wechat.query(timestamp=int(time.time()) - 600)
    assert client.get("/wechat", params={**query, "echostr": "x"}).status_code == 403
    response = post(client, query, wechat.event_xml("subscribe"))
    assert response.status_code == 403
    assert "签名" in response.json()["detail"]


# -- events and non-text messages (no bot needed) -----------------------------------------------
def test_subscribe_gets_a_welcome_that_says_what_the_bot_does(client, wechat):
    response = post(client, wechat.query(), wechat.event_xml("subscribe"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    welcome = reply_content(response.text)
    assert "云聚英才卡" in welcome and "智能制造生态合作伙伴" in welcome
    assert "35912660" in welcome  # the talent-card hotline, from the document


def test_unsubscribe_gets_success(client, wechat):
    response = post(client, wechat.query(), wechat.event_xml("unsubscribe"))
    assert response.status_code == 200 and response.text == "success"


def test_image_gets_a_polite_text_only_reply(client, wechat):
    response = post(client, wechat.query(), wechat.image_xml(wechat.next_id()))
    assert response.status_code == 200
    assert "文字" in reply_content(response.text)


def test_empty_text_is_asked_to_type_a_question(client, wechat):
    response = post(client, wechat.query(), wechat.text_xml("  ", wechat.next_id()))
    assert "文字" in reply_content(response.text)


def test_overlong_text_is_told_the_limit(client, wechat):
    response = post(client, wechat.query(), wechat.text_xml("问" * 600, wechat.next_id()))
    assert "过长" in reply_content(response.text)


# -- safe mode ----------------------------------------------------------------------------------
def test_safe_mode_subscribe_reply_is_encrypted_and_signed(safe_client, wechat):
    query, envelope = wechat.safe_request(wechat.event_xml("subscribe"))
    response = post(safe_client, query, envelope)
    assert response.status_code == 200
    assert "云聚英才卡" in reply_content(open_safe_reply(wechat, response.text))


def test_safe_mode_forged_msg_signature_is_403(safe_client, wechat):
    query, envelope = wechat.safe_request(wechat.event_xml("subscribe"))
    query["msg_signature"] = "f" * 40
    assert post(safe_client, query, envelope).status_code == 403


def test_safe_mode_other_app_id_is_403(safe_client, wechat):
    query, envelope = wechat.safe_request(wechat.event_xml("subscribe"), app_id="wxSomeoneElse")
    assert post(safe_client, query, envelope).status_code == 403


def test_safe_mode_without_a_configured_key_is_400(wechat):
    plain_only = SETTINGS.with_(wechat_aes_key="")
    with TestClient(create_app(plain_only)) as plain_client:
        query, envelope = wechat.safe_request(wechat.event_xml("subscribe"))
        response = post(plain_client, query, envelope)
    assert response.status_code == 400 and "WECHAT_AES_KEY" in response.json()["detail"]


# -- replays, plaintext under a key, the development token, odd senders ------------------------
def test_a_signed_url_cannot_be_replayed_with_another_body(client, wechat):
    """The signature covers token, timestamp and nonce, not the body: a captured URL would
    carry any message for the whole timestamp window unless the nonce is remembered."""
    query = wechat.query()
    first = post(client, query, wechat.event_xml("subscribe"))
    replayed = post(client, query, wechat.text_xml("你好", wechat.next_id(), user="oMallory"))
    assert first.status_code == 200
    assert replayed.status_code == 403 and "已使用" in replayed.json()["detail"]
    assert client.get("/wechat", params={**query, "echostr": "1"}).status_code == 403


def test_plaintext_is_refused_once_an_aes_key_is_set(safe_client, wechat):
    response = post(safe_client, wechat.query(), wechat.text_xml("你好", wechat.next_id()))
    assert response.status_code == 403 and "安全模式" in response.json()["detail"]


def test_the_development_token_is_refused_off_loopback(wechat):
    dev = WeChatServer(token=DEV_WECHAT_TOKEN)
    exposed = SETTINGS.with_(wechat_token=DEV_WECHAT_TOKEN, host="0.0.0.0")
    with TestClient(create_app(exposed)) as exposed_client:
        response = post(exposed_client, dev.query(), dev.event_xml("subscribe"))
        assert response.status_code == 503 and "开发用" in response.json()["detail"]
        assert exposed_client.get("/wechat", params={**dev.query(), "echostr": "1"}).status_code == 503
    with TestClient(create_app(SETTINGS.with_(wechat_token=DEV_WECHAT_TOKEN))) as local_client:
        assert post(local_client, dev.query(), dev.event_xml("subscribe")).status_code == 200


@pytest.mark.parametrize("user", ["o" * 300, "oUser name", "oUser\u3000x"])
def test_a_sender_that_is_no_openid_is_400(client, wechat, user):
    """The conversation id must fit the tracker store's column (255) and its alphabet."""
    response = post(client, wechat.query(), wechat.text_xml("你好", wechat.next_id(), user=user))
    assert response.status_code == 400 and "FromUserName" in response.json()["detail"]


# -- hostile XML --------------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xml [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<xml><ToUserName>gh</ToUserName><FromUserName>oUser</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&lol9;</Content><MsgId>1</MsgId></xml>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xml><ToUserName>gh</ToUserName><FromUserName>oUser</FromUserName><CreateTime>1</CreateTime>
<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>"""

QUADRATIC = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "' + "a" * 20_000 + '">]>'
             "<xml><MsgType>text</MsgType><Content>" + "&a;" * 2_000 + "</Content></xml>")


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, QUADRATIC],
                         ids=["billion-laughs", "external-entity", "quadratic-blowup"])
def test_xml_bombs_are_refused_fast(client, wechat, body):
    started = time.monotonic()
    response = post(client, wechat.query(), body)
    assert response.status_code == 400
    assert "DTD" in response.json()["detail"]
    assert time.monotonic() - started < 1.0


def test_xml_bomb_inside_the_encrypted_message_is_refused(safe_client, wechat):
    query, envelope = wechat.safe_request(BILLION_LAUGHS)
    response = post(safe_client, query, envelope)
    assert response.status_code == 400 and "DTD" in response.json()["detail"]


@pytest.mark.parametrize("body", ["not xml at all", "<xml><unclosed></xml>", "<root/>",
                                  "<xml><Content>hi</Content></xml>", "<xml/>", ""])
def test_malformed_messages_are_400(client, wechat, body):
    response = post(client, wechat.query(), body)
    assert response.status_code == 400


def test_cdata_terminator_in_a_reply_cannot_break_the_xml(client, wechat):
    # An unsigned body rides on a valid signature in plain mode; names come back in the reply
    # (a FromUserName like this one is no openid and refused; ToUserName is echoed).
    xml = ("<xml><ToUserName>gh]]&gt;&lt;Evil&gt;1&lt;/Evil&gt;&lt;![CDATA[</ToUserName>"
           "<FromUserName>oUser</FromUserName>"
           f"<CreateTime>{int(time.time())}</CreateTime><MsgType>event</MsgType>"
           "<Event>subscribe</Event></xml>")
    response = post(client, wechat.query(), xml)
    assert response.status_code == 200
    root = ET.fromstring(response.text)
    assert root.find("Evil") is None and "云聚英才卡" in root.findtext("Content")


# -- text messages through the real bot ---------------------------------------------------------
@pytest.fixture(scope="module")
def bot_client(stack):
    with TestClient(create_app(stack.settings.with_(wechat_token=TOKEN))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def safe_bot_client(stack):
    settings = stack.settings.with_(wechat_token=TOKEN, wechat_aes_key=AES_KEY,
                                    wechat_app_id=APP_ID)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def user_turns(stack, sender: str) -> list[str]:
    """What the bot received from this user, from Rasa's tracker."""
    url = (f"{stack.settings.rasa_url}/conversations/{sender}/tracker"
           f"?token={stack.settings.rasa_api_token()}")
    with urllib.request.urlopen(url, timeout=10) as response:
        events = json.load(response)["events"]
    return [e.get("text") for e in events if e.get("event") == "user"]


@pytest.mark.stack
def test_text_message_gets_a_cited_answer_within_five_seconds(bot_client, wechat):
    user = f"oText{wechat.next_id()}"
    started = time.monotonic()
    response = post(bot_client, wechat.query(),
                    wechat.text_xml("英才卡申领要提交哪些材料？", wechat.next_id(), user=user))
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 5.0
    content = reply_content(response.text, user)
    assert "出处" in content or "《" in content, content
    assert len(content.encode()) <= 2048


@pytest.mark.stack
def test_safe_mode_text_message_is_answered_encrypted(safe_bot_client, wechat):
    query, envelope = wechat.safe_request(wechat.text_xml("钻石卡有哪些待遇？", wechat.next_id()))
    response = post(safe_bot_client, query, envelope)
    assert response.status_code == 200
    assert reply_content(open_safe_reply(wechat, response.text)).strip()


@pytest.mark.stack
def test_a_retry_with_the_same_msgid_is_answered_once(bot_client, stack, wechat):
    user = f"oRetry{wechat.next_id()}"
    xml = wechat.text_xml("金卡有哪些待遇？", wechat.next_id(), user=user)
    first = post(bot_client, wechat.query(), xml)
    retry = post(bot_client, wechat.query(), xml)  # WeChat retries with a new nonce
    assert first.status_code == retry.status_code == 200
    assert reply_content(first.text, user) == reply_content(retry.text, user)
    assert user_turns(stack, f"wx_{user}").count("金卡有哪些待遇？") == 1


@pytest.mark.stack
def test_too_slow_gives_success_then_the_retry_gets_the_answer(stack, wechat):
    """A budget no bot can meet: WeChat gets `success` at once, the answer keeps being
    prepared, and WeChat's retry of the same MsgId receives it."""
    impatient = stack.settings.with_(wechat_token=TOKEN, wechat_budget_s=0.001)
    user = f"oSlow{wechat.next_id()}"
    xml = wechat.text_xml("银卡申领条件是什么？", wechat.next_id(), user=user)
    with TestClient(create_app(impatient)) as slow_client:
        first = post(slow_client, wechat.query(), xml)
        assert first.status_code == 200 and first.text == "success"
        deadline = time.monotonic() + 20
        while True:
            retry = post(slow_client, wechat.query(), xml)
            if retry.text != "success" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert retry.text.startswith("<xml>"), retry.text
    assert reply_content(retry.text, user).strip()
    assert user_turns(stack, f"wx_{user}").count("银卡申领条件是什么？") == 1
