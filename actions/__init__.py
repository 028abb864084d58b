"""Custom actions of the Rasa assistant, run by the action server from .venv:

    SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port 5055

answering.py  questions answered by retrieval, refusals, the right phone number
forms.py      the two assessment forms: validation, questions, decisions
dialogue.py   what to ask next and the decision, from the rules engine
facts.py      the facts one message states; numbers.py  Chinese quantities; lexicon.py  phrase lists
replies.py    reply texts and citation payloads
"""
