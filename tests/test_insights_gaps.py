"""The gap report groups unsettled questions by meaning, with the retrieval's own embedding
model, and names the clause nearest to each group."""
from __future__ import annotations

from sklearn.metrics import adjusted_rand_score

from gateway.gaps import gap_groups, group_texts
from gateway.insights import Question

# Wordings people use for one question each; none is settled by the two documents.
GROUPS = {
    "停车": ["英才卡持卡人停车免费吗", "持英才卡停车能不能免费", "英才卡可以免停车费吗", "拿着英才卡停车要交钱吗"],
    "现金": ["英才卡有现金补贴吗", "持卡能领多少钱补贴", "办卡后每月发多少补助"],
    "天气": ["明天天气怎么样", "今天会下雨吗"],
    "家属就业": ["配偶能安排工作吗", "能帮我爱人找工作吗", "家属就业有没有安排"],
    "补办": ["英才卡丢了怎么补办", "卡片遗失了如何补办", "英才卡掉了怎么办"],
    "健身": ["政府有没有免费健身房", "哪里可以免费健身"],
    "退休": ["退休了还能申请英才卡吗", "已经退休的人能不能办英才卡", "退休人员可以申领吗"],
    "奖金": ["合作伙伴评上了有没有奖金", "入选合作伙伴有奖励资金吗", "成为生态合作伙伴能拿多少补助"],
    "外籍": ["外籍人士可以申请英才卡吗", "外国人能办英才卡吗", "持外国护照可以申领吗"],
    "逾期": ["申报截止时间能延期吗", "错过了申报时间还能补报吗", "申报期限过了怎么办"],
    "名字": ["你叫什么名字", "你是谁"],
    "吃饭": ["附近有什么好吃的", "推荐一家餐厅"],
}
TEXTS = [t for wordings in GROUPS.values() for t in wordings]
TRUTH = [name for name, wordings in GROUPS.items() for _ in wordings]


def test_wordings_of_one_question_are_grouped_and_different_questions_kept_apart():
    labels, _ = group_texts(TEXTS)
    assert adjusted_rand_score(TRUTH, labels) >= 0.75
    by_text = dict(zip(TEXTS, labels))
    for name in ("停车", "外籍", "退休", "天气"):
        assert len({by_text[t] for t in GROUPS[name]}) == 1, name
    # the programme's name alone does not make two questions one
    assert by_text["英才卡丢了怎么补办"] != by_text["外国人能办英才卡吗"]
    assert by_text["今天会下雨吗"] != by_text["附近有什么好吃的"]


def test_a_group_has_its_count_examples_and_nearest_clause():
    asked = GROUPS["外籍"] + ["外国人能办英才卡吗"] + GROUPS["天气"]
    questions = [Question(f"web-{i}", 1_790_000_000 + i, text, "not_covered", i)
                 for i, text in enumerate(asked)]
    questions.append(Question("web-x", 1_790_000_100, "钻石卡有哪些待遇", "answered", 99))
    groups = gap_groups(questions)
    assert [g["count"] for g in groups] == [4, 2]
    foreign = groups[0]
    assert foreign["group"] == 1 and foreign["examples"][0] == "外国人能办英才卡吗"  # most asked
    assert sorted(foreign["examples"]) == sorted(GROUPS["外籍"]) and foreign["wordings"] == 3
    assert foreign["statuses"] == {"未覆盖": 4}
    clause = foreign["nearest_clause"]
    assert "外籍" in clause["text"] or "外国" in clause["text"], clause  # by meaning
