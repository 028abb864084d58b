"""Chinese quantities in chat messages become facts in the contract's units, or a follow-up."""
import pytest

from actions.numbers import find_quantities, is_vague_only


def only(text):
    quantities = find_quantities(text)
    assert len(quantities) == 1, quantities
    return quantities[0]


@pytest.mark.parametrize("text, wan", [
    ("一千五百万", 1500),
    ("1.5亿", 15000),
    ("1500w", 1500),
    ("1500W", 1500),
    ("3千万", 3000),
    ("两千万", 2000),
    ("1,500万元", 1500),
    ("３０００万", 3000),        # full-width digits
    ("营收3000000元", 300),      # yuan become 万元
    ("2000", 2000),              # a bare number answers a question asked in 万元
    ("一千五", 1500),
])
def test_amounts_in_wan(text, wan):
    assert only(text).as_wan() == wan


@pytest.mark.parametrize("text, count", [
    ("六项发明专利", 6),
    ("二十五个研发人员", 25),
    ("研发团队三十人", 30),
    ("十人", 10),
    ("七项", 7),
])
def test_counts(text, count):
    assert only(text).as_count() == count


@pytest.mark.parametrize("text, ratio", [
    ("80%", 0.8),
    ("８０％", 0.8),
    ("八成", 0.8),
    ("百分之八十", 0.8),
    ("一半", 0.5),
    ("0.6", 0.6),
])
def test_ratios(text, ratio):
    assert only(text).as_ratio() == pytest.approx(ratio)


@pytest.mark.parametrize("text", [
    "两千来万", "十来个", "几千万", "二十多人", "2000多万", "数十人", "两三个", "三十人左右",
    "大概三十人", "20-30人", "近三年平均两千来万",
])
def test_vague_amounts_are_not_guessed(text):
    quantities = find_quantities(text)
    assert quantities and all(q.vague and q.value is None for q in quantities)
    assert is_vague_only(text)
    assert all(q.as_wan() is None and q.as_count() is None for q in quantities)


@pytest.mark.parametrize("text", ["第一批", "近三年", "近3年内", "万一不行", "千万别"])
def test_dates_ranks_and_words_are_not_quantities(text):
    assert find_quantities(text) == []


def test_several_quantities_in_order():
    found = find_quantities("我们有7项发明专利，研发团队三十人，营收两千万")
    assert [(q.value, q.unit) for q in found] == [(7, "项"), (30, "人"), (20000000, "")]
    assert found[2].as_wan() == 2000


def test_years_are_skipped_but_the_amount_is_kept():
    found = find_quantities("近3年有6个典型案例")
    assert [(q.as_count(), q.unit) for q in found] == [(6, "个")]
