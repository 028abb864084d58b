"""The fact catalogue (knowledge/rules/*.yml, read by actions/catalogue.py) is the one source
of what each fact is; everything else that names facts must agree with it. These tests fail
when the rule data, domain.yml and the dialogue drift apart."""
from pathlib import Path

import pytest
import yaml

from actions import catalogue, dialogue, forms
from actions.talent_reader import compound_criteria
from rules import criteria, fact_specs

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
PROGRAMS = {"talent-card": ("talent_card_form", dialogue.TALENT_FACTS),
            "partner": ("partner_form", dialogue.PARTNER_FACTS)}


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_fact_of_the_rules_is_a_slot_of_its_form(program):
    form, facts = PROGRAMS[program]
    assert list(facts) == list(fact_specs(program))  # the dialogue's facts are the rules', in order
    assert set(fact_specs(program)) <= set(DOMAIN["slots"])
    assert set(fact_specs(program)) <= set(DOMAIN["forms"][form]["required_slots"])


@pytest.mark.parametrize("program", PROGRAMS)
def test_the_form_asks_only_slots_the_dialogue_knows(program):
    form, _ = PROGRAMS[program]
    assert set(DOMAIN["forms"][form]["required_slots"]) <= set(dialogue.slot_names(program))


def test_every_slot_the_dialogue_uses_is_declared_and_read_by_the_actions_only():
    names = set(dialogue.TALENT_SLOTS + dialogue.PARTNER_SLOTS + dialogue.SHARED_SLOTS)
    assert names <= set(DOMAIN["slots"])
    for name in names:
        spec = DOMAIN["slots"][name]
        assert spec["mappings"] == [{"type": "custom"}] and spec["influence_conversation"] is False, name


def test_every_slot_a_form_can_ask_has_its_ask_action_declared_and_registered():
    asked = {s for form in DOMAIN["forms"].values() for s in form["required_slots"]}
    declared = set(DOMAIN["actions"])
    registered = {cls().name() for cls in forms.ASK_ACTIONS}
    assert {f"action_ask_{slot}" for slot in asked} <= declared & registered


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_fact_has_a_question_an_example_and_for_figures_its_words(program):
    for fact in catalogue.facts(program).values():
        assert fact.ask and fact.label and fact.example.startswith("“"), fact.name
        if fact.kind:
            assert fact.words, f"{fact.name}: no words name it in a message"
        if fact.kind == "count":
            assert fact.counters and fact.unit in fact.counters, fact.name


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_numeric_condition_is_on_a_figure_of_the_catalogue(program):
    figures = {f.name for f in catalogue.figures(program)}
    assert {c["fact"] for c in catalogue.conditions(program)} <= figures


def test_the_parts_of_a_compound_criterion_quote_its_clause_verbatim():
    texts = {c["id"]: c["text"] for c in criteria("talent-card")}
    assert compound_criteria(), "银卡 2 has four parts in the rule data"
    for cid, parts in compound_criteria().items():
        assert len(parts) >= 2 and len({p["id"] for p in parts}) == len(parts)
        ids = [p["id"] for p in parts]
        for part in parts:
            assert part["text"] in texts[cid] and part["ask"] and (part.get("words") or part.get("years"))
            if part.get("first_group_from"):  # read before it, from the same conversation
                assert ids.index(part["first_group_from"]) < ids.index(part["id"])


def test_the_questions_of_the_dialogue_come_from_the_catalogue():
    for program in PROGRAMS:
        for name, fact in catalogue.facts(program).items():
            assert dialogue.question_text(program, name, {}) == fact.ask
            assert fact.example in dialogue.reask_text(program, name)


def test_the_entities_are_the_phrase_lists_of_the_rule_data():
    from actions import lexicon

    assert set(DOMAIN["entities"]) == set(lexicon.ENTITIES)


def test_the_title_reading_data_names_real_criteria():
    import re

    from rules.data import load_rules

    titles = load_rules("talent-card")["titles"]
    ids = {c["id"] for c in criteria("talent-card")}
    assert all(c.get("yes_means", "silver.masters") in ids for c in titles["clarifications"])
    assert all(c["word"] and c["noun"] and c["ask"].endswith(("？", "。")) for c in titles["clarifications"])
    assert re.compile(titles["lesser_pattern"]).search("高级工程师")
    assert not re.compile(titles["lesser_pattern"]).search("正高级工程师")
