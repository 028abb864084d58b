"""Custom actions of the Rasa assistant, run by the action server from .venv:

    SANIC_HOST=127.0.0.1 .venv/bin/python -m rasa_sdk --actions actions --port 5055

answering.py  questions answered from the documents, refusals, the right phone number
forms.py      the two assessment forms: validation, questions, failure limit, decisions
routing.py    which programme, own case or question, side questions, instructions declined
dialogue.py   what to ask next and the decision, from the rules engine
catalogue.py  what each fact is (label, question, example, words): from knowledge/rules/*.yml
facts.py      reading a message, in layers: message.py (negation, yes/no), numbers.py
              (numerals, ranges, approximations), figures.py (which fact a figure is about),
              talent_reader.py / partner_reader.py (each programme), reading.py (shared)
lexicon.py    the criteria's phrases (from the rule data) and the files derived from them
replies.py    reply texts and citation payloads
"""
