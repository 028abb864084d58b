"""The phrase lists the NLU model and the actions share (the criteria's `phrases` in
knowledge/rules/*.yml) stay consistent with the rules, the training data, the derived
nlu/lexicon/ synonyms and the jieba dictionary."""
import re
from pathlib import Path

import pytest
import yaml

from actions import lexicon
from rules import criteria, fact_specs

ROOT = Path(__file__).resolve().parent.parent


def test_talent_titles_name_talent_card_criteria():
    ids = {c["id"] for c in criteria("talent-card")}
    assert set(lexicon.synonyms("talent_title").values()) <= ids


def test_qualifications_name_the_direct_recognition_criteria():
    ids = {c["id"] for c in criteria("partner") if c["group"] == "direct"}
    assert set(lexicon.synonyms("qualification").values()) == ids


def test_domains_are_the_rules_domain_names():
    assert set(lexicon.synonyms("domain").values()) == set(fact_specs("partner")["domain"]["choices"])


def test_no_phrase_is_listed_twice():
    phrases = []
    for entity in lexicon.ENTITIES:
        data = yaml.safe_load((lexicon.LEXICON_DIR / f"{entity}.yml").read_text(encoding="utf-8"))
        for block in data["nlu"]:
            if "synonym" in block:
                phrases += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip()]
    assert len(phrases) == len(set(phrases))


def annotated_entities():
    for path in sorted((ROOT / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for text, entity in re.findall(r"\[([^\]]+)\]\((\w+)\)", block.get("examples", "")):
                yield path.name, text, entity


@pytest.mark.parametrize("source, text, entity", list(annotated_entities()))
def test_every_annotated_entity_maps_to_an_id(source, text, entity):
    assert entity in lexicon.ENTITIES
    assert text in lexicon.synonyms(entity), f"{source}: add “{text}” to the criterion's phrases in knowledge/rules/"


@pytest.mark.parametrize("entity", lexicon.ENTITIES)
def test_the_synonym_files_are_generated_from_the_rule_data(entity):
    path = lexicon.LEXICON_DIR / f"{entity}.yml"
    assert path.read_text(encoding="utf-8") == lexicon.synonym_file(entity), \
        f"regenerate: .venv/bin/python -m actions.lexicon synonyms {entity} > nlu/lexicon/{entity}.yml"


def test_jieba_terms_are_generated_from_the_lexicon():
    path = ROOT / "knowledge" / "jieba" / "rasa_terms.txt"
    assert path.read_text(encoding="utf-8") == lexicon.jieba_dictionary(), \
        "regenerate: .venv/bin/python -m actions.lexicon jieba > knowledge/jieba/rasa_terms.txt"


def test_lookup_tables_are_generated_from_the_lexicon():
    path = ROOT / "nlu" / "lookups.yml"
    assert path.read_text(encoding="utf-8") == lexicon.lookup_tables(), \
        "regenerate: .venv/bin/python -m actions.lexicon lookups > nlu/lookups.yml"


@pytest.mark.parametrize("text, values", [
    ("我是博士后", ["diamond.postdoc"]),           # the longer phrase wins over 博士
    ("我是副教授", []),                            # a lesser title containing 教授
    ("我是教授", ["diamond.senior_professional"]),
])
def test_matching(text, values):
    assert [m.value for m in lexicon.find("talent_title", text)] == values


def test_software_copyrights_do_not_name_the_software_domain():
    from actions.facts import read_partner

    assert read_partner("我们有5项软件著作权", "inform", None, {}).slots == {"software_copyrights": 5}
    assert read_partner("我们做工业软件", "inform", None, {}).slots == {"domain": "关键软件"}


def test_negation_is_seen():
    (match,) = lexicon.find("talent_title", "我没有博士学位")
    assert match.value == "gold.phd" and match.negated
