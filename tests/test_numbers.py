"""Chinese quantities in chat messages: exact amounts in the contract's units, ranges for
approximations, and the impossible ones flagged (negative, too many digits)."""
import math

import pytest

from actions.numbers import find_quantities


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


@pytest.mark.parametrize("text, low, high", [
    ("两三千万", 2000, 3000),          # two digits side by side: a range
    ("20-30万", 20, 30),
    ("二十到三十万", 20, 30),
    ("两千到三千万", 2000, 3000),
    ("大约2亿", 16000, 24000),         # a hedge: 20% either side
    ("三十万左右", 24, 36),
    ("几千万", 2000, 9000),
    ("3000万以上", 3000, math.inf),
    ("不到20万", 0, 19.99),            # below 20, never 20 itself
    ("没有20万", 0, 19.99),
    ("不超过一千万", 0, 990),
])
def test_approximations_are_ranges_in_wan(text, low, high):
    found = only(text)
    assert found.vague and found.as_wan() is None
    assert found.wan_range() == (pytest.approx(low), pytest.approx(high))


@pytest.mark.parametrize("text, above, below", [
    ("一个多亿", 10000, 20000),         # more than 1亿, less than 2亿
    ("两千多万", 2000, 3000),
    ("2000多万", 2000, 3000),
])
def test_more_than_is_strictly_between_the_places(text, above, below):
    low, high = only(text).wan_range()
    assert above < low < high < below


@pytest.mark.parametrize("text, above", [("超过800万", True), ("800万以上", False)])
def test_more_than_leaves_the_number_out_and_above_keeps_it(text, above):
    low, high = only(text).wan_range()
    number = 1000 if "一千" in text else 800
    assert high == math.inf and (low > number if above else low == number)


@pytest.mark.parametrize("text, low, high", [("二十多人", 20, 30), ("十来个", 8, 12), ("数十人", 20, 90),
                                             ("两三个", 2, 3), ("七八项", 7, 8)])
def test_approximate_counts(text, low, high):
    found = only(text)
    assert found.as_count() is None
    assert low <= found.count_range()[0] < found.count_range()[1] <= high


@pytest.mark.parametrize("text", ["-900万", "负五百万", "区库年税收-900万", "-5项"])
def test_negative_amounts_are_flagged_never_taken(text):
    found = only(text)
    assert found.negative and not found.exact and found.as_wan() is None and found.as_count() is None


def test_a_range_written_with_a_dash_is_not_negative():
    assert not only("20-30人").negative


def test_a_number_of_hundreds_of_digits_is_flagged_without_converting_it():
    found = only("1" * 400 + "万")
    assert found.too_long and not found.exact


@pytest.mark.parametrize("text", ["零点五", "0.5个人"])
def test_half_is_a_number_not_a_count(text):
    found = only(text)
    assert found.exact and found.low == 0.5 and found.as_count() is None


def test_a_decimal_with_a_scale_in_words():
    assert only("一点五亿").as_wan() == 15000


def test_the_person_s_own_words_are_kept():
    assert [q.said for q in find_quantities("营收大概两三千万，研发30多人")] == ["大概两三千万", "30多人"]


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


@pytest.mark.parametrize("text, above, below", [("一千万出头", 1000, 1200), ("三百万出头", 300, 360), ("三十出头", 30, 36)])
def test_a_little_over_is_a_little_over(text, above, below):
    low, high = only(text).wan_range() if "万" in text else (only(text).low, only(text).high)
    assert above < low < high < below
