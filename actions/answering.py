"""Actions that answer from the documents: a cited answer, a refusal, or whom to call.

The retrieval index is heavy (an embedding model and a FAISS index), so it is imported lazily
and warmed up once in a background thread when the action server starts: the server answers
health checks at once, and the first question does not pay for the load.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import threading
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions import replies
from knowledge import contacts as contacts_of_documents
from actions.dialogue import PARTNER, TALENT
from actions.routing import FORMS, INSTRUCTION_REPLY, is_instruction, own_case
from actions import knowledge_client
from actions.knowledge_client import KnowledgeUnavailable, QuestionRefused

log = logging.getLogger(__name__)

# Generic words of a request for a person or a number: what is left names the topic.
_HANDOFF_WORDS = re.compile(
    r"转人工|人工客服|人工服务|人工|客服|真人|工作人员|咨询电话|联系电话|联系方式|电话号码|热线电话|热线|电话|号码|"
    r"联系|咨询|多少|是什么|找谁|哪个部门|部门|给我|我要|我想|请问|一下|能|可以|有没有|吗|呢|的|个|打|问|找|和|说话|[，,。？?！!\s]")
_PARTNER_WORDS = ("合作伙伴", "智能制造", "申报书", "遴选", "直接认定", "工信")


# Retrieval's state when this process holds the index, for the action server's health.
RETRIEVAL_STATE = {"status": "loading the index"}


# The document each assessment is about (the answering module's names for them).
DOCUMENT_OF_PROGRAM = {TALENT: "talent", PARTNER: "partner"}

def retrieval_state() -> str:
    """What the action server's health reports about retrieval (actions/status.py): its own
    index's state, or, when it asks the gateway, the gateway's."""
    if knowledge_client.knowledge_url() is not None:
        return knowledge_client.gateway_state()
    return RETRIEVAL_STATE["status"]


def _warm_up() -> None:
    try:
        knowledge_client.search("云聚英才卡", k=1)
        RETRIEVAL_STATE["status"] = "ok"
        log.info("retrieval index loaded")
    except Exception as exc:  # the first question will load it (and report the error) instead
        RETRIEVAL_STATE["status"] = f"index failed to load ({type(exc).__name__})"
        log.exception("retrieval warm-up failed")


def _in_action_server() -> bool:
    """True in the action server's process (`python -m rasa_sdk`), not in a test importing
    this module: a loading thread there races the test runner's own parsing of files."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return bool(spec and spec.name.startswith("rasa_sdk"))


# Only when this process holds the index itself (no gateway named to ask).
if (os.environ.get("ACTIONS_WARMUP", "1") == "1" and _in_action_server()
        and knowledge_client.knowledge_url() is None):
    threading.Thread(target=_warm_up, name="retrieval-warm-up", daemon=True).start()


def answer(question: str, context: Optional[str] = None) -> Dict[str, Any]:
    """The answering module's answer, with bad input turned into a refusal instead of an error."""
    try:
        return knowledge_client.ask(question, context)
    except QuestionRefused as error:
        return {"answer": str(error), "status": "not_covered", "answerable": False, "citations": []}
    except KnowledgeUnavailable:
        log.exception("the gateway did not answer the question")
        hotline = contacts_of_documents.talent_hotline()
        return {"answer": f"暂时无法查询文件内容，请稍后再试，或致电{hotline['office']}：{hotline['phone']}。"
                          + replies.partner_contact_line(),
                "status": "not_covered", "answerable": False, "citations": []}


def utter_answer(dispatcher: CollectingDispatcher, question: str, program: Optional[str] = None) -> bool:
    """Answers from the documents (an instruction inside the question is declined instead);
    `program`: the assessment the question was asked in, for a question that names no document.
    Returns whether the documents answered it."""
    if is_instruction(question):
        dispatcher.utter_message(text=INSTRUCTION_REPLY)
        return False
    result = answer(question, DOCUMENT_OF_PROGRAM.get(program))
    dispatcher.utter_message(text=result["answer"], json_message=replies.answer_payload(result))
    return bool(result["answerable"])


class ActionAnswerQuestion(Action):
    """Answers by quoting the best clause; refuses with the hotline when nothing answers.
    A question about the asker's own case ("我是博士，能办什么卡") starts the assessment."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        form = own_case(tracker)
        if form:
            return [FollowupAction(form)]  # the person's own case: assess it instead
        active = (tracker.active_loop or {}).get("name")
        program = next((p for p, form_name in FORMS.items() if form_name == active), None)
        utter_answer(dispatcher, tracker.latest_message.get("text") or "", program)
        return []


class ActionRefuseOutOfScope(Action):
    """For messages outside both documents: says what the assistant covers and whom to call.
    The classifier can mistake a policy question for small talk, so retrieval is asked first:
    when a clause does answer, that answer is given instead of the refusal."""

    def name(self) -> Text:
        return "action_refuse_out_of_scope"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        question = tracker.latest_message.get("text") or ""
        if is_instruction(question):
            dispatcher.utter_message(text=INSTRUCTION_REPLY)
            return []
        result = answer(question)
        if result["answerable"]:
            dispatcher.utter_message(text=result["answer"], json_message=replies.answer_payload(result))
            return []
        text = ("抱歉，这个问题不在我掌握的政策文件范围内，我不能替文件作答。我只能解答《白云区云聚英才卡申领及服务指南》"
                "和《广东省智能制造生态合作伙伴（2024年）申报指南》中的内容，并帮您评估申领（申报）资格。"
                + replies.talent_hotline_line() + replies.partner_contact_line())
        payload = {"type": "refusal", "status": "not_covered", "answerable": False,
                   "citations": [replies.citation(replies.TALENT_HOTLINE_CLAUSE),
                                 replies.citation(replies.PARTNER_CONTACT_CLAUSE)]}
        dispatcher.utter_message(text=text, json_message=payload)
        return []


class ActionHandoff(Action):
    """Gives the 咨询电话 that the documents list for the topic asked about."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text, cited = handoff(tracker.latest_message.get("text") or "",
                              (tracker.active_loop or {}).get("name"))
        dispatcher.utter_message(text=text, json_message={"type": "handoff", "citations": cited})
        return []


def _section_name(path: str) -> str:
    """"二、…服务指南 › 一、落户服务 › （四）咨询电话" -> "落户服务"; else the application itself."""
    parts = path.split(" › ")
    if len(parts) > 1 and parts[0].endswith("服务指南"):
        return re.sub(r"^[一二三四五六七八九十]+、", "", parts[1])
    return "云聚英才卡申领"


def handoff(message: str, active_form: str | None = None) -> tuple[str, list]:
    """(reply, citations): the topic's own contacts when the message names a topic that the
    documents give a phone for, else the application hotline and the partner guide's referral."""
    topic = _HANDOFF_WORDS.sub("", message)
    partner = any(word in message for word in _PARTNER_WORDS) or active_form == "partner_form"
    if partner:
        return ("智能制造生态合作伙伴申报：" + replies.partner_contact_line(),
                [replies.citation(replies.PARTNER_CONTACT_CLAUSE)])
    if len(topic) >= 2:
        try:
            result = knowledge_client.search(message, k=3)
        except (KnowledgeUnavailable, QuestionRefused):
            result = {"answerable": False, "hits": []}   # the general hotline below
        for hit in result["hits"] if result["answerable"] else []:
            clause = replies.clause_by_id(hit["clause_id"]) or {}
            contacts = clause.get("contacts") or []
            if clause.get("doc_id") == "talent" and contacts:
                return (f"{_section_name(clause['path'])}的咨询电话：{replies.contacts_text(contacts)}。"
                        f"（出自{replies.source_of(hit['clause_id'])}）",
                        [replies.citation(hit["clause_id"], contacts=contacts)])
    hotline = contacts_of_documents.talent_hotline()
    text = (f"本助手不能转接人工。云聚英才卡申领问题请致电{hotline['office']}：{hotline['phone']}"
            f"（地址见{replies.source_of(replies.TALENT_HOTLINE_CLAUSE)}）。" + replies.partner_contact_line())
    return text, [replies.citation(replies.TALENT_HOTLINE_CLAUSE), replies.citation(replies.PARTNER_CONTACT_CLAUSE)]
