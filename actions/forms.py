"""The two assessment forms: 云聚英才卡 (talent_card_form) and 合作伙伴 (partner_form).

Rasa runs the form loop; these actions do its thinking:
- `validate_<form>` reads every fact a message states (several at once, any order), says so
  when an amount is vague or an answer unclear, and names the next question from the rules
  engine (`requested_slot`; None ends the form);
- `action_ask_<slot>` asks it, in the rules' own wording;
- `action_decide_<program>` gives the decision with its cited clauses, then clears the form;
- `action_stop_assessment` stops on request; `action_route_inform` starts the right form when
  someone states facts without having asked for an assessment.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import dialogue, facts, replies
from actions.dialogue import PARTNER, TALENT

FORMS = {TALENT: "talent_card_form", PARTNER: "partner_form"}
# Intents that leave the form to the rules (answer a question, greet, stop, switch...) when the
# message states no fact. Any other message that states nothing gets the question again.
YIELD_INTENTS = {"ask_question", "chitchat", "out_of_scope", "ask_capabilities", "ask_human",
                 "greet", "thank", "goodbye", "stop", "restart"}
OTHER_PROGRAM_INTENT = {TALENT: "ask_partner", PARTNER: "ask_talent_card"}
_UNSURE = re.compile(r"不知道|不清楚|不确定|说不好|记不清|没统计|跳过")
# Actions after which the form runs on the same user message without it being new input.
_NOT_INTERRUPTIONS = {"action_listen", "action_extract_slots", "action_deactivate_loop",
                      "action_route_inform"}
OTHER_PROGRAM = {TALENT: PARTNER, PARTNER: TALENT}
# A message that names one programme and not the other is about that one, whatever the
# classifier said ("我们公司是企业主要负责人能办卡吗" is about the card, not the partner programme).
_NAMES_TALENT = re.compile(r"英才卡|人才卡|云聚英才|办卡|申卡|领卡|拿卡|什么卡|哪种卡|哪类卡|哪张卡|"
                           r"哪个卡|哪一档|钻石卡|金卡|银卡")
_NAMES_PARTNER = re.compile(r"合作伙伴|生态伙伴|生态合作|遴选|申报书|直接认定")
# The organisation speaking: partner figures said by "我们公司" are the company's, while
# "我有7项发明专利" may be a talent's own achievement.
_ORGANISATION = re.compile(r"我们|我司|本公司|本单位|本企业|咱们|公司|企业|单位|工厂|厂里|协会|学校|院校|银行")
# Facts that alone do not tell which programme a message is about: working in 白云区 or
# heading a firm (the partner programme's applicants are firms too), a domain name or a
# yes/no condition (a talent may work "在软件公司").
_WEAK = {TALENT: {"employer_in_baiyun", "enterprise_head", "talent_head_titles"},
         PARTNER: {"domain", "already_partner", "partner_conditions", "unit_type"}}


def programme_named(text: str) -> Optional[str]:
    """The programme a message names by its own words, when it names only one."""
    talent, partner = bool(_NAMES_TALENT.search(text)), bool(_NAMES_PARTNER.search(text))
    if talent != partner:
        return TALENT if talent else PARTNER
    return None


def belongs_to_other(program: str, tracker: Tracker, reading: facts.Reading) -> bool:
    """True when the latest message, which states nothing for `program`, is about the other
    programme: it names only that one, or states facts of it that cannot be this one's."""
    if reading.understood:
        return False
    text = (tracker.latest_message or {}).get("text") or ""
    other = OTHER_PROGRAM[program]
    if programme_named(text) == other:
        return True
    if programme_named(text) == program:
        return False
    theirs = read_message(other, tracker, program_slots(tracker, other), requested=None)
    strong = set(theirs.slots) - _WEAK[other]
    if other == TALENT:
        return bool(strong or theirs.clarify)
    return bool(strong) and bool(_ORGANISATION.search(text))


def handed_over_from(tracker: Tracker, form: str) -> bool:
    """True when `form` was active since the latest user message (it handed the message on)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return any(e.get("event") == "active_loop" and e.get("name") == form for e in events[last_user + 1:])


def program_slots(tracker: Tracker, program: str) -> Dict[str, Any]:
    names = dialogue.slot_names(program) + dialogue.SHARED_SLOTS
    return {name: tracker.get_slot(name) for name in names}


def fresh_user_turn(tracker: Tracker, form: str) -> bool:
    """True when the form runs on a message just received: it starts on it, or the message
    came while it was asking. False when it resumes after something else answered the
    message in between (a question asked mid-form is not an answer to the form)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return False
    after = events[last_user + 1:]
    if any(e.get("event") == "active_loop" and e.get("name") == form for e in after):
        return True  # activated by this message (by a rule, or after an action handed over)
    return not any(e.get("event") == "action" and e.get("name") not in _NOT_INTERRUPTIONS | {form}
                   for e in after)


_ASKED = object()


def read_message(program: str, tracker: Tracker, slots: dict, requested=_ASKED) -> facts.Reading:
    """The latest message read for `program`, as an answer to the question the form asked
    (`requested`: another slot name, or None to read it as a message nothing asked for)."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    intent = (message.get("intent") or {}).get("name")
    if requested is _ASKED:
        requested = tracker.get_slot("requested_slot")
    entities = message.get("entities") or []
    if program == TALENT:
        return facts.read_talent(text, intent, requested, slots, entities)
    return facts.read_partner(text, intent, requested, slots, entities,
                              listed_conditions=dialogue.open_conditions(slots),
                              listed_direct=dialogue.direct_ids())


class ProgramAction(Action, ABC):
    """An action for one programme: subclasses set `program` (TALENT or PARTNER)."""

    @property
    @abstractmethod
    def program(self) -> str:
        """TALENT or PARTNER (a class attribute in subclasses)."""


class AssessmentValidation(ProgramAction, ABC):
    """Reads the message and names the next question; shared by both forms."""

    def name(self) -> Text:
        return f"validate_{FORMS[self.program]}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        form = FORMS[self.program]
        slots = program_slots(tracker, self.program)
        events: List[Dict[Text, Any]] = []
        if fresh_user_turn(tracker, form):
            other = FORMS[OTHER_PROGRAM[self.program]]
            if tracker.get_slot("requested_slot") is None and not handed_over_from(tracker, other) \
                    and belongs_to_other(self.program, tracker, read_message(self.program, tracker, slots)):
                # Started on a message about the other programme (the classifier took one for
                # the other): hand it over to the other form, which reads it.
                return [SlotSet("requested_slot", None), ActiveLoop(None), FollowupAction(other)]
            taken = self._take_message(dispatcher, tracker, slots)
            if taken is None:
                return []  # nothing for the form: Rasa lets the rules handle this message
            events += [SlotSet(name, value) for name, value in taken.items()]
            slots.update(taken)
        next_slot = dialogue.next_question(self.program, slots)
        return events + [SlotSet("requested_slot", next_slot)]

    def _take_message(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      slots: dict) -> Optional[Dict[str, Any]]:
        """Slot updates from the latest message, or None to hand the message back to Rasa."""
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        requested = tracker.get_slot("requested_slot")
        reading = read_message(self.program, tracker, slots)
        updates = dict(reading.slots)
        for vague, fact in zip(reading.vague, reading.vague_slots):
            dispatcher.utter_message(text=f"您说的“{vague}”不是一个确切的数，评估需要具体数字。"
                                          f"请给出准确的数，例如：{dialogue.EXAMPLES.get(fact, '“30人”')}。")
        for question in reading.clarify:
            dispatcher.utter_message(text=question)
        if reading.understood:
            if reading.vague or reading.clarify:
                updates["unclear_answers"] = (slots.get("unclear_answers") or 0) + 1
            if reading.pending != slots.get("pending_clarification"):
                updates["pending_clarification"] = reading.pending
            return updates
        if requested and (intent == "unsure" or _UNSURE.search(text)):
            skipped = list(slots.get("skipped_facts") or []) + [requested]
            dispatcher.utter_message(text="好的，这一项先跳过。")
            return {"skipped_facts": skipped}
        if requested is None:
            return {}  # the message that started the form: nothing asked yet, nothing missed
        if intent in YIELD_INTENTS or intent == OTHER_PROGRAM_INTENT[self.program]:
            return None
        if belongs_to_other(self.program, tracker, reading):
            return None  # facts of the other programme: a rule switches to its form
        # An answer we could not read: say so with an example; the form then asks again.
        dispatcher.utter_message(text=dialogue.reask_text(requested) if requested
                                 else "抱歉，我没能读出所需信息，请换个说法。")
        return {"unclear_answers": (slots.get("unclear_answers") or 0) + 1}


class ValidateTalentCardForm(AssessmentValidation):
    program = TALENT


class ValidatePartnerForm(AssessmentValidation):
    program = PARTNER


class AskSlot(ProgramAction, ABC):
    """Asks for one slot: `action_ask_<slot>`, with the question text of its programme.
    Subclasses (made below, one per slot) set `slot` and `program`."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot asked for (a class attribute in subclasses)."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        slots = program_slots(tracker, self.program)
        if self.slot == "talent_titles" and clarified_this_turn(tracker):
            return []  # the clarifying question just asked ("哪一级的劳动模范？") is the question
        dispatcher.utter_message(text=dialogue.question_text(self.program, self.slot, slots),
                                 json_message={"type": "question", "program": self.program,
                                               "slot": self.slot})
        return []


def clarified_this_turn(tracker: Tracker) -> bool:
    """True when a clarifying question about a title was set since the latest user message."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return any(e.get("event") == "slot" and e.get("name") == "pending_clarification" and e.get("value")
               for e in events[last_user + 1:])


def _ask_action(program: str, slot: str) -> type:
    class_name = "Ask" + "".join(part.title() for part in slot.split("_"))
    return type(class_name, (AskSlot,), {"slot": slot, "program": program, "__module__": __name__})


# One ask action per slot a form can request (registered by rasa_sdk as module attributes).
ASK_ACTIONS = [_ask_action(TALENT, slot) for slot in ("talent_titles",) + dialogue.TALENT_FACTS] + \
    [_ask_action(PARTNER, slot) for slot in dialogue.PARTNER_FACTS + ("direct_qualifications", "partner_conditions")]
globals().update({cls.__name__: cls for cls in ASK_ACTIONS})


def reset_events(programs=(TALENT, PARTNER)) -> List[Dict[Text, Any]]:
    names = [n for p in programs for n in dialogue.slot_names(p)] + list(dialogue.SHARED_SLOTS)
    return [SlotSet(name, None) for name in dict.fromkeys(names)] + [SlotSet("requested_slot", None)]


class Decision(ProgramAction, ABC):
    """Gives the programme's decision with its cited clauses, then clears the form's slots."""

    def name(self) -> Text:
        return "action_decide_" + {TALENT: "talent_card", PARTNER: "partner"}[self.program]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        slots = program_slots(tracker, self.program)
        decision = dialogue.decide(self.program, slots)
        text, payload = replies.decision_reply(decision, dialogue.unasked_conditions(self.program, slots))
        dispatcher.utter_message(text=text, json_message=payload)
        return reset_events((self.program,))


class DecideTalentCard(Decision):
    program = TALENT


class DecidePartner(Decision):
    program = PARTNER


class StopAssessment(Action):
    """Stops the assessment on request and forgets its answers."""

    def name(self) -> Text:
        return "action_stop_assessment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_assessment_stopped")
        return reset_events()


FIRST_PERSON = re.compile(r"我|咱|本人|本公司|本单位|本企业|我司")
_WE_ORGANISATION = re.compile(r"我们|咱们|我司|我公司|我单位|我厂|我院|我校|我行|本公司|本单位|本企业")


def assessment_for(tracker: Tracker, weak: tuple = ()) -> Optional[str]:
    """The form whose programme the latest message states facts of (titles, employer, a
    domain, figures...), or None. Facts named in `weak` do not count on their own."""
    talent_reading = read_message(TALENT, tracker, program_slots(tracker, TALENT))
    partner = read_message(PARTNER, tracker, program_slots(tracker, PARTNER)).slots
    talent_signals = set(talent_reading.slots) - {"talent_head_titles"}
    if talent_reading.clarify:  # "我是劳模": a title that needs one more detail
        talent_signals.add("talent_titles")
    partner_signals = set(partner)
    if talent_signals <= set(weak):
        talent_signals = set()
    if partner_signals <= set(weak):
        partner_signals = set()
    if talent_signals and len(talent_signals) >= len(partner_signals):
        return FORMS[TALENT]
    if partner_signals:
        return FORMS[PARTNER]
    return None


# "企业老总能办什么卡", "公司的高管可以办卡吗": which card an enterprise head or manager gets
# depends on the firm's figures, so the assessment answers it, not one clause.
_HEAD_CARD_QUESTION = re.compile(r"(负责人|老总|老板|总经理|董事长|法人|高管|中高层|厂长|总裁|创始人)"
                                 r"[^，,。？?]{0,12}(办|申请|申领|领|拿|够|符合|算)[^，,。？?]{0,6}"
                                 r"(卡|英才|哪一档|哪个档)")
# ... unless it asks how to apply ("法人申请英才卡要营业执照吗"): that is a clause's answer.
_PROCEDURE = re.compile(r"材料|提供|证明|证件|营业执照|流程|程序|步骤|在哪|哪里|多久|时间|电话|网址|平台")


def own_case(tracker: Tracker) -> Optional[str]:
    """For a question like "我是博士，能办什么卡": the person describes their own case, so the
    assessment answers it better than a clause. The form to start, or None."""
    text = (tracker.latest_message or {}).get("text") or ""
    if (tracker.active_loop or {}).get("name"):
        return None
    if _HEAD_CARD_QUESTION.search(facts.normalise(text)) and not _PROCEDURE.search(text) \
            and programme_named(text) != PARTNER:
        return FORMS[TALENT]
    if not FIRST_PERSON.search(text):
        return None
    # Working in 白云区 or a yes/no condition alone do not make a question a case to assess:
    # "我在白云区工作，英才卡怎么申请" wants the procedure; nor does a domain word said by a
    # person rather than an organisation ("我在银行上班，英才卡怎么申请").
    weak = ("employer_in_baiyun", "enterprise_head", "already_partner", "partner_conditions")
    if not _WE_ORGANISATION.search(text):
        weak += ("domain",)
    return assessment_for(tracker, weak=weak)


class RouteInform(Action):
    """Facts stated outside a form (also with a yes or no: "是的，我是博士"): start the
    assessment they belong to. Without facts, a statement gets asked which assessment is
    meant, a bare yes or no what else is wanted."""

    def name(self) -> Text:
        return "action_route_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        form = assessment_for(tracker, weak=("employer_in_baiyun", "enterprise_head", "already_partner")
                              if _intent(tracker) != "inform" else ())
        if form:
            return [FollowupAction(form)]
        statement = _intent(tracker) == "inform"
        dispatcher.utter_message(response="utter_which_assessment" if statement else "utter_anything_else")
        return []


def _intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")
