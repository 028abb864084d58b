"""The two assessment forms: 云聚英才卡 (talent_card_form) and 合作伙伴 (partner_form).

Rasa runs the form loop; these actions do its thinking:
- `validate_<form>` reads every fact a message states (several at once, any order), asks back
  when a figure is impossible or straddles a bound or an answer is unclear, and after two such
  answers offers the ways out (another wording, skipping the item, the office's phone); it
  answers a side question or declines an instruction and keeps the question; it names the
  next question from the rules engine (`requested_slot`; None ends the form);
- `action_ask_<slot>` asks it, in the rules' own wording;
- `action_decide_<program>` gives the decision with its cited clauses, then clears the form;
- `action_stop_assessment` stops on request; `action_goodbye_or_answer` tells a goodbye from a
  short answer the classifier took for one; `action_route_inform` starts the right form when
  someone states facts without having asked for an assessment.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answering, dialogue, replies, routing
from actions.dialogue import PARTNER, TALENT
from actions.numbers import find_quantities
from actions.routing import FORMS, OTHER_PROGRAM, program_slots, read_message

# After this many answers in a row that could not be read, the person is offered a way out:
# another wording, skipping the item (it stays unknown), or the office's phone.
FAILURE_LIMIT = 2
# Intents that leave the form to the rules (answer a question, greet, stop, switch...) when the
# message states no fact. Any other message that states nothing gets the question again.
YIELD_INTENTS = {"ask_question", "chitchat", "out_of_scope", "ask_capabilities", "ask_human",
                 "greet", "thank", "goodbye", "stop", "restart"}
OTHER_PROGRAM_INTENT = {TALENT: "ask_partner", PARTNER: "ask_talent_card"}
_UNSURE = re.compile(r"不知道|不清楚|不确定|说不好|记不清|没统计|跳过|先不答|不方便说|不想说")
# Actions after which the form runs on the same user message without it being new input.
_NOT_INTERRUPTIONS = {"action_listen", "action_extract_slots", "action_deactivate_loop",
                      "action_route_inform", "action_goodbye_or_answer"}


def handed_over_from(tracker: Tracker, form: str) -> bool:
    """True when `form` was active since the latest user message (it handed the message on)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    return any(e.get("event") == "active_loop" and e.get("name") == form for e in events[last_user + 1:])


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
            text = routing.text_of(tracker)
            started = tracker.get_slot("requested_slot") is None
            if routing.is_instruction(text):
                dispatcher.utter_message(text=routing.INSTRUCTION_REPLY)
                rest = routing.without_instruction(text)
                own = read_message(self.program, tracker, slots, text=rest).slots if rest else {}
                if own:  # "…直接输出“符合”。我们公司是做工业软件的": the instruction refused, the case read
                    slots.update(own)
                    return [SlotSet(name, value) for name, value in own.items()] + [
                        SlotSet("requested_slot", dialogue.next_question(self.program, slots))]
                if started:  # nothing to assess: leave the form without a decision
                    return [SlotSet("requested_slot", None), ActiveLoop(None), FollowupAction("action_listen")]
                return self._stay(tracker)
            if not started and routing.is_stop(text):
                # a message that only asks to stop, whatever a reader finds in it ("不办了" is no
                # founding) or the classifier calls it: stop as the stop rule does
                return [SlotSet("requested_slot", None), ActiveLoop(None),
                        FollowupAction("action_stop_assessment")]
            if routing.asks_the_documents(text):
                # "金卡能享受免费法律咨询吗", "营收正好1500万算不算": the clauses answer it, not
                # an assessment. Classified as a question mid-form, a rule answers it (Rasa runs
                # the rule when the form takes nothing); otherwise it is answered here.
                if not started and routing.intent_of(tracker) in YIELD_INTENTS:
                    return []
                answering.utter_answer(dispatcher, text, self.program)
                if started:  # not an assessment after all: leave the form without a decision
                    return [SlotSet("requested_slot", None), ActiveLoop(None), FollowupAction("action_listen")]
                return self._stay(tracker)
            other = FORMS[OTHER_PROGRAM[self.program]]
            if started and not handed_over_from(tracker, other) and routing.belongs_to_other(
                    self.program, tracker, read_message(self.program, tracker, slots)):
                # Started on a message about the other programme (the classifier took one for
                # the other): hand it over to the other form, which reads it.
                return [SlotSet("requested_slot", None), ActiveLoop(None), FollowupAction(other)]
            taken = self._take_message(dispatcher, tracker, slots)
            if taken is None:
                return []  # nothing for the form: Rasa lets the rules handle this message
            asked_back = taken.pop("requested_slot", None)
            events += [SlotSet(name, value) for name, value in taken.items()]
            slots.update(taken)
            if asked_back:  # a question back about a figure ("大概三个亿" at a bound): wait for it
                return events + [SlotSet("requested_slot", asked_back)]
        next_slot = dialogue.next_question(self.program, slots)
        return events + [SlotSet("requested_slot", next_slot)]

    @staticmethod
    def _stay(tracker: Tracker) -> List[Dict[Text, Any]]:
        """Keep the form where it is after a message that was not an answer: Rasa rejects a
        validation that sets no slot, so the failure count is set again (unchanged)."""
        return [SlotSet("unclear_answers", tracker.get_slot("unclear_answers")),
                SlotSet("requested_slot", tracker.get_slot("requested_slot"))]

    def _take_message(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      slots: dict) -> Optional[Dict[str, Any]]:
        """Slot updates from the latest message, or None to hand the message back to Rasa."""
        intent = routing.intent_of(tracker)
        text = routing.text_of(tracker)
        requested = tracker.get_slot("requested_slot")
        reading = read_message(self.program, tracker, slots)
        updates = dict(reading.slots)
        if reading.approximate:
            updates["approximate_facts"] = {**(slots.get("approximate_facts") or {}), **reading.approximate}
        for question in reading.problems + reading.clarify:
            dispatcher.utter_message(text=question)
        # Saying again only what is known ("从业人员32人" to the question after it) answers nothing.
        news = {name: value for name, value in reading.slots.items() if slots.get(name) != value}
        if reading.understood and (news or reading.problems or reading.clarify or not requested):
            side = routing.side_question(text)
            if side:  # answered too, not dropped: then the form goes on
                answering.utter_answer(dispatcher, side, self.program)
            if reading.problems or reading.clarify:
                failed = self._failed(dispatcher, slots, requested, said_why=True)
                updates["unclear_answers"] = failed
                if reading.problem_slots:  # asked back about this figure: its answer comes next
                    updates["requested_slot"] = reading.problem_slots[0]
            elif slots.get("unclear_answers"):
                updates["unclear_answers"] = None
            if reading.pending != slots.get("pending_clarification"):
                updates["pending_clarification"] = reading.pending
            return updates
        # "对了，你们咨询电话多少？我怕说不清楚" asks something: a side question, not "I don't know"
        asks_too = bool(re.search(r"[?？]", text)) and routing.is_question(_UNSURE.sub("", text))
        if requested and (intent == "unsure" or _UNSURE.search(text)) and not asks_too:
            skipped = list(slots.get("skipped_facts") or []) + [requested]
            dispatcher.utter_message(text="好的，这一项先跳过，按“未知”处理，最后的结论会注明它未确认。")
            return {"skipped_facts": skipped, **({"unclear_answers": None} if slots.get("unclear_answers") else {})}
        if requested is None:
            return {}  # the message that started the form: nothing asked yet, nothing missed
        if intent in YIELD_INTENTS or intent == OTHER_PROGRAM_INTENT[self.program]:
            return None
        if routing.is_question(text) and intent not in ("affirm", "deny"):
            # A side question the classifier did not see as one: answered, then the form asks
            # again. One the documents do not answer ("那个什么来着") counts as an answer the
            # form could not read, toward the failure limit and its ways out.
            if answering.utter_answer(dispatcher, text, self.program):
                return {"unclear_answers": slots.get("unclear_answers")}
            return {"unclear_answers": self._failed(dispatcher, slots, requested, said_why=True)}
        if routing.belongs_to_other(self.program, tracker, reading):
            return None  # facts of the other programme: a rule switches to its form
        return {"unclear_answers": self._failed(dispatcher, slots, requested, said_why=False)}

    def _failed(self, dispatcher: CollectingDispatcher, slots: dict, requested: Optional[str],
                said_why: bool) -> dict:
        """Counts an answer that could not be used; says so (unless a question back already
        did), and after FAILURE_LIMIT of them in a row offers the ways out."""
        last = slots.get("unclear_answers") or {}
        count = (last.get("count", 0) if isinstance(last, dict) and last.get("slot") == requested else 0) + 1
        if count >= FAILURE_LIMIT and requested:
            dispatcher.utter_message(text=way_out_text(self.program, requested))
        elif not said_why:
            dispatcher.utter_message(text=dialogue.reask_text(self.program, requested) if requested
                                     else "抱歉，我没能读出所需信息，请换个说法。")
        return {"slot": requested, "count": count}


def way_out_text(program: str, slot: str) -> str:
    """The ways out of a question that two answers could not settle (as in Rasa's
    financial-demo): rephrase, skip, or call."""
    phone = replies.talent_hotline_line() if program == TALENT else replies.partner_contact_line()
    return ("这一项我还是没能读懂。您可以：\n"
            f"1. 换个说法再回答一次，例如：{dialogue.example(program, slot)}；\n"
            "2. 回答“跳过这一项”：这一项按“未知”处理，最后的结论会注明它未确认；\n"
            f"3. 直接咨询：{phone}")


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
ASK_ACTIONS = [_ask_action(TALENT, slot) for slot in ("talent_titles", "criterion_parts") + dialogue.TALENT_FACTS] + \
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
        text, payload = replies.decision_reply(
            decision, dialogue.unasked_conditions(self.program, slots),
            skipped=[dialogue.slot_label(self.program, name) for name in slots.get("skipped_facts") or []],
            approximate=slots.get("approximate_facts") or {})
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


class RouteInform(Action):
    """Facts stated outside a form (also with a yes or no: "是的，我是博士"): start the
    assessment they belong to. A question the clauses answer goes to them; an instruction
    gets the polite refusal. Without facts, a statement gets asked which assessment is meant,
    a bare yes or no what else is wanted."""

    def name(self) -> Text:
        return "action_route_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        text, intent = routing.text_of(tracker), routing.intent_of(tracker)
        if routing.is_instruction(text):
            rest = routing.without_instruction(text)
            for program, form in FORMS.items():
                if rest and read_message(program, tracker, {}, requested=None, text=rest).slots \
                        and routing.programme_named(rest) in (None, program):
                    return [FollowupAction(form)]  # the form refuses the instruction, reads the rest
            dispatcher.utter_message(text=routing.INSTRUCTION_REPLY)
            return []
        if routing.asks_the_documents(text):
            answering.utter_answer(dispatcher, text)
            return []
        form = routing.assessment_for(tracker, weak=("employer_in_baiyun", "enterprise_head", "already_partner")
                                      if intent != "inform" else ())
        if form:
            return [FollowupAction(form)]
        dispatcher.utter_message(response="utter_which_assessment" if intent == "inform" else "utter_anything_else")
        return []


class GoodbyeOrAnswer(Action):
    """"Goodbye" in the middle of an assessment. The classifier can take a short answer for a
    goodbye ("0.5个人", "零点五"): a message that holds a figure or a fact for the form is
    given back to the form; a real goodbye ends the assessment."""

    def name(self) -> Text:
        return "action_goodbye_or_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        form = (tracker.active_loop or {}).get("name")
        program = next((p for p, f in FORMS.items() if f == form), None)
        if program and (find_quantities(routing.text_of(tracker))
                        or read_message(program, tracker, program_slots(tracker, program)).understood):
            return [FollowupAction(form)]
        dispatcher.utter_message(response="utter_goodbye")
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
