"""WeChat official-account server (`GET/POST /wechat`), built on wechatpy.

- Every request must carry a valid signature (token, timestamp, nonce) whose nonce has not
  been used within the timestamp window (a captured URL cannot be replayed with another
  body); once an EncodingAESKey is set only safe mode (`encrypt_type=aes`) is accepted, which
  also checks `msg_signature` and decrypts. The development token works on loopback only.
- XML is checked with defusedxml (no DTD, no entities) before wechatpy's xmltodict sees it,
  both the envelope and, in safe mode, the decrypted message.
- A text message is answered by Rasa within WeChat's 5-second limit; when the bot is slower,
  the reply is `success` (WeChat then shows nothing and retries), the answer keeps being
  computed, and a retry with the same MsgId gets it.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from typing import Awaitable, Callable

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import BaseEvent
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import TextMessage, VoiceMessage
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from gateway.conversation_db import StoreUnavailable
from gateway.feedback import THANKS, FeedbackError, FeedbackStore, keyword_rating, rateable_payload
from gateway.limits import RateLimiter
from gateway.rasa_client import RasaClient, RasaUnavailable
from gateway.replies import replies_as_text, truncate_utf8
from gateway.settings import DEV_WECHAT_TOKEN, Settings
from gateway.shared_state import LocalState, SharedState

log = logging.getLogger("gateway.wechat")

SUCCESS = "success"  # WeChat's "nothing to say": shows nothing to the user, no retry

NON_TEXT_REPLY = ("您好，我目前只能阅读文字消息。请直接用文字提问，"
                  "例如：“博士可以申领哪种云聚英才卡？”")
EMPTY_REPLY = "请用文字输入您想咨询的问题。"
RATE_LIMITED_REPLY = "您发送得有些频繁，请稍等片刻再提问。"
UNAVAILABLE_REPLY = "抱歉，助手暂时无法回答，请稍后再试。"
# Under an answer or a decision; the reply keyword is read by `keyword_rating`.
FEEDBACK_HINT = "（回复“有帮助”或“没帮助”评价这条回答，可在后面附上意见）"
FEEDBACK_UNAVAILABLE = "抱歉，反馈暂时无法保存，请稍后再试。"


# WeChat's openids are 28 characters of this alphabet; the conversation id must also fit the
# tracker store's sender_id column (255) and hold no NUL.
OPENID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def wechat_sender(openid: str) -> str:
    """The conversation id of a WeChat user in Rasa's tracker store."""
    return f"wx_{openid}"


class WeChatRequestError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def welcome_text() -> str:
    """What the bot can do, with the talent-card hotline taken from the document itself."""
    lines = [
        "您好，欢迎关注！我是政策助手，可以解答两份政策文件的问题，并注明出处：",
        "1. 白云区云聚英才卡：申领条件、钻石卡/金卡/银卡待遇、申领流程和材料；",
        "2. 广东省智能制造生态合作伙伴（2024年）：申报条件、八个领域的要求、申报流程。",
        "也可以帮您判断能申领哪种英才卡、贵单位能否申报合作伙伴。",
        "请直接发送文字问题，例如：“博士可以申领哪种英才卡？”",
    ]
    try:
        from gateway.knowledge_service import contacts_of

        for contact in contacts_of("talent.contact.p1")[:1]:
            lines.append(f"英才卡人工咨询：{contact['office']} {contact['phone']}")
    except Exception:  # noqa: BLE001 - the welcome must not fail because of the knowledge base
        log.exception("could not read the talent-card contact")
    return "\n".join(lines)


def safe_xml(body: bytes | str) -> str:
    """The body as text, after checking it is one plain <xml> document: no DTD, no entity
    declarations, no external references (the billion-laughs and XXE attacks need them)."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise WeChatRequestError(400, "XML 不允许包含 DTD 或实体声明 (DTD/entities refused)") from exc
    except SafeET.ParseError as exc:
        raise WeChatRequestError(400, "XML 格式错误 (malformed XML)") from exc
    if root.tag != "xml":
        raise WeChatRequestError(400, "不是微信消息格式 (root element must be <xml>)")
    return text


def cdata_safe(text: str) -> str:
    """wechatpy puts text in CDATA sections unescaped; a "]]>" inside would end one early."""
    return text.replace("]]>", "]] >")


class AnswerCache:
    """Answers in progress or done, by message key (MsgId), for WeChat's retries: a retry
    waits for the same computation instead of asking the bot a second time."""

    def __init__(self, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, asyncio.Task]] = OrderedDict()

    def has(self, key: str) -> bool:
        self._expire(time.monotonic())
        return key in self._entries

    def get_or_start(self, key: str, start: Callable[[], Awaitable[str]]) -> tuple[asyncio.Task, bool]:
        now = time.monotonic()
        self._expire(now)
        if key in self._entries:
            return self._entries[key][1], True
        task = asyncio.ensure_future(start())
        self._entries[key] = (now, task)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return task, False

    def _expire(self, now: float) -> None:
        while self._entries:
            key, (stamp, task) = next(iter(self._entries.items()))
            if now - stamp <= self.ttl_s or not task.done():
                break
            self._entries.popitem(last=False)


class WeChatEndpoint:
    def __init__(self, settings: Settings, rasa: RasaClient, limiter: RateLimiter,
                 feedback: FeedbackStore | None = None, state: SharedState | None = None) -> None:
        self.settings = settings
        self.rasa = rasa
        self.limiter = limiter
        self.feedback = feedback or FeedbackStore()
        self.state = state or LocalState()
        self.cache = AnswerCache(settings.wechat_dedup_ttl_s)
        # A timestamp is accepted up to max_skew either side of now: a nonce must be
        # remembered for that whole window, and so must a MsgId (a retry is signed anew).
        window = 2 * settings.wechat_max_skew_s if settings.wechat_max_skew_s > 0 else 86_400.0
        self.memory_s = max(window, settings.wechat_dedup_ttl_s)
        self.crypto = (WeChatCrypto(settings.wechat_token, settings.wechat_aes_key,
                                    settings.wechat_app_id)
                       if settings.wechat_aes_key else None)

    # -- checks -------------------------------------------------------------------------
    def verify(self, signature: str, timestamp: str, nonce: str) -> None:
        if self.settings.wechat_token == DEV_WECHAT_TOKEN and not self.settings.bound_to_loopback():
            raise WeChatRequestError(503, "微信接口未启用：开发用 WECHAT_TOKEN 只能在本机地址上使用，"
                                          "请设置自己的 Token (development token off loopback)")
        if not (signature and timestamp and nonce):
            raise WeChatRequestError(403, "签名校验失败：缺少 signature/timestamp/nonce")
        try:
            check_signature(self.settings.wechat_token, signature, timestamp, nonce)
        except InvalidSignatureException as exc:
            raise WeChatRequestError(403, "签名校验失败 (invalid signature)") from exc
        if self.settings.wechat_max_skew_s > 0:
            try:
                skew = abs(time.time() - int(timestamp))
            except ValueError as exc:
                raise WeChatRequestError(403, "签名校验失败：timestamp 无效") from exc
            if skew > self.settings.wechat_max_skew_s:
                raise WeChatRequestError(403, "签名校验失败：请求已过期 (timestamp too old)")
        if not self.state.first_seen(f"wechat:nonce:{timestamp}:{nonce}", self.memory_s):
            raise WeChatRequestError(403, "签名校验失败：该签名已使用过 (nonce replayed)")

    def decrypt(self, envelope: str, msg_signature: str, timestamp: str, nonce: str) -> str:
        if self.crypto is None:
            raise WeChatRequestError(400, "未配置 WECHAT_AES_KEY，不能处理安全模式消息")
        if not msg_signature:
            raise WeChatRequestError(403, "签名校验失败：缺少 msg_signature")
        try:
            plain = self.crypto.decrypt_message(envelope, msg_signature, timestamp, nonce)
        except (InvalidSignatureException, InvalidAppIdException) as exc:
            raise WeChatRequestError(403, "消息签名校验失败 (invalid msg_signature or app id)") from exc
        except (KeyError, TypeError, ValueError, UnicodeError) as exc:
            raise WeChatRequestError(400, "加密消息无法解密 (cannot decrypt)") from exc
        return safe_xml(plain)

    # -- answering ----------------------------------------------------------------------
    async def bot_answer(self, openid: str, text: str) -> str:
        try:
            replies = await self.rasa.send(wechat_sender(openid), text)
        except RasaUnavailable as exc:
            if exc.timed_out:
                log.warning("bot too slow for %s, no answer", openid)
                return SUCCESS
            log.error("bot unavailable for WeChat user %s: %s", openid, exc)
            return UNAVAILABLE_REPLY
        answer = replies_as_text(replies)
        if not answer:
            log.warning("bot gave no reply to WeChat user %s", openid)
            return SUCCESS
        limit = self.settings.wechat_reply_max_bytes
        if any(rateable_payload(reply.get("custom")) for reply in replies):
            hint = "\n\n" + FEEDBACK_HINT
            return truncate_utf8(answer, limit - len(hint.encode("utf-8"))) + hint
        return truncate_utf8(answer, limit)

    async def rate(self, openid: str, helpful: bool, comment: str) -> str:
        """A reply keyword: feedback on the latest answer of this user's conversation."""
        try:
            await run_in_threadpool(lambda: self.feedback.rate_reply(
                wechat_sender(openid), helpful, comment=comment, channel="wechat"))
        except FeedbackError as exc:
            return str(exc)
        except StoreUnavailable as exc:
            log.error("WeChat feedback not stored: %s", exc)
            return FEEDBACK_UNAVAILABLE
        return THANKS

    async def text_reply(self, message, text: str, started: float) -> str:
        text = (text or "").strip()
        if not text:
            return EMPTY_REPLY
        if len(text) > self.settings.max_message_chars:
            return f"您的消息过长（上限 {self.settings.max_message_chars} 字），请精简后再发送。"
        # WeChat's advice: de-duplicate messages by MsgId, else by sender and CreateTime.
        msg_id = message._data.get("MsgId")
        key = f"id:{msg_id}" if msg_id else f"at:{message.source}:{message._data.get('CreateTime')}"
        if not self.cache.has(key) and not self.state.first_seen(f"wechat:msg:{key}", self.memory_s):
            # Another gateway worker has this message: it answers WeChat's retry that reaches it.
            log.info("WeChat message %s is being answered by another worker", key)
            return SUCCESS
        task, is_retry = self.cache.get_or_start(key, lambda: self._limited_answer(message.source, text))
        if is_retry:
            log.info("WeChat retry for %s: answered from the first attempt", key)
        remaining = self.settings.wechat_budget_s - (time.monotonic() - started)
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout=max(remaining, 0.0))
        except asyncio.TimeoutError:
            log.warning("WeChat 5-second budget exceeded for %s; replied 'success', the answer "
                        "keeps being prepared for WeChat's retry", key)
            return SUCCESS

    async def _limited_answer(self, openid: str, text: str) -> str:
        if not self.limiter.allow(f"wechat:{openid}"):
            return RATE_LIMITED_REPLY
        rating = keyword_rating(text)
        if rating is not None:  # feedback, not a question for the bot
            return await self.rate(openid, *rating)
        return await self.bot_answer(openid, text)

    async def reply_for(self, message, started: float) -> str:
        if isinstance(message, TextMessage):
            content = message._data.get("Content")
            if not isinstance(content, str) and content is not None:
                raise WeChatRequestError(400, "Content 格式错误")
            return await self.text_reply(message, content or "", started)
        if isinstance(message, VoiceMessage) and isinstance(message._data.get("Recognition"), str):
            # WeChat's speech recognition, when switched on for the account, gives us text.
            return await self.text_reply(message, message._data["Recognition"], started)
        if isinstance(message, BaseEvent):
            if message.event in ("subscribe", "subscribe_scan"):
                return welcome_text()
            return SUCCESS
        return NON_TEXT_REPLY

    # -- HTTP ---------------------------------------------------------------------------
    async def handle(self, request: Request, signature: str, timestamp: str, nonce: str,
                     encrypt_type: str, msg_signature: str) -> Response:
        started = time.monotonic()
        self.verify(signature, timestamp, nonce)
        body = await request.body()
        if not body.strip():
            raise WeChatRequestError(400, "消息为空 (empty body)")
        try:
            envelope = safe_xml(body)
        except UnicodeDecodeError as exc:
            raise WeChatRequestError(400, "消息不是 UTF-8 编码") from exc
        encrypted = encrypt_type.lower() == "aes"
        if self.crypto is not None and not encrypted:
            raise WeChatRequestError(403, "已配置 WECHAT_AES_KEY：只接受安全模式（加密）消息 "
                                          "(plaintext refused once an AES key is set)")
        xml = self.decrypt(envelope, msg_signature, timestamp, nonce) if encrypted else envelope
        try:
            message = parse_message(xml)
            source, target = message.source, message.target
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise WeChatRequestError(400, "不是有效的微信消息 (not a WeChat message)") from exc
        if not isinstance(source, str) or not isinstance(target, str):
            raise WeChatRequestError(400, "缺少 FromUserName/ToUserName")
        if not OPENID.fullmatch(source):
            raise WeChatRequestError(400, "FromUserName 不是有效的 openid (invalid FromUserName)")

        content = await self.reply_for(message, started)
        if content == SUCCESS:
            return PlainTextResponse(SUCCESS)
        reply = TextReply(source=cdata_safe(target), target=cdata_safe(source),
                          content=cdata_safe(content)).render()
        if encrypted:
            reply = self.crypto.encrypt_message(reply, nonce, timestamp)
        return Response(reply, media_type="application/xml")


def wechat_router(endpoint: WeChatEndpoint) -> APIRouter:
    router = APIRouter(tags=["WeChat"])

    @router.get("/wechat", response_class=PlainTextResponse,
                responses={403: {"description": "签名校验失败"}},
                summary="WeChat server URL verification: echoes echostr when the signature is valid")
    async def wechat_verify(signature: str = Query(""), timestamp: str = Query(""),
                            nonce: str = Query(""), echostr: str = Query("")):
        endpoint.verify(signature, timestamp, nonce)
        return PlainTextResponse(echostr)

    @router.post("/wechat", responses={
        200: {"content": {"application/xml": {}, "text/plain": {}},
              "description": "passive reply XML, or `success` when there is nothing to say"},
        400: {"description": "not a WeChat XML message"},
        403: {"description": "签名校验失败"}},
        summary="WeChat messages and events (plain or safe mode)")
    async def wechat_message(request: Request, signature: str = Query(""),
                             timestamp: str = Query(""), nonce: str = Query(""),
                             encrypt_type: str = Query(""), msg_signature: str = Query(""),
                             openid: str = Query("")):
        return await endpoint.handle(request, signature, timestamp, nonce, encrypt_type,
                                     msg_signature)

    return router
