"""The action server's own health, for the gateway's /healthz: rasa_sdk's /health says only
that the server answers, not whether retrieval loaded (without it every question gets no
reply). Called by the gateway on the action server's webhook, never by a dialogue (it is not in
the domain)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import _in_action_server, retrieval_state

NAME = "action_service_status"


class ActionServiceStatus(Action):
    def name(self) -> Text:
        return NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        state = retrieval_state() if _in_action_server() else "not in the action server"
        dispatcher.utter_message(json_message={"retrieval": state})
        return []
