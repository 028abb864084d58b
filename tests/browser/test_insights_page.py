"""The staff page in Debian's headless Chromium, on conversations really stored by the running
stack: a few are held over the gateway's REST API, then the page must count them, plot them,
show the unanswered ones as one gap group and the feedback given — and only after sign-in.
A screenshot goes to tests/artifacts/insights.png (the README's docs/images/insights.png)."""
from __future__ import annotations

import json
import os
import urllib.request
import uuid

import pytest

# The stack this session starts reads the token from the environment (a stack already
# running is reused: start it with the same STAFF_TOKEN).
os.environ.setdefault("STAFF_TOKEN", "insights-browser-test-token")
TOKEN = os.environ["STAFF_TOKEN"]

# The Chromium fixture `browser` and the helpers of the other browser tests, shared.
from tests.browser.test_browser_pages import (  # noqa: E402, F401
    ARTIFACTS, assert_accessible, browser)

pytestmark = [pytest.mark.stack, pytest.mark.browser]

WEATHER = ["明天天气怎么样", "明天会下雨吗", "后天天气如何"]


def call(url: str, body: dict | None = None, token: str | None = None,
         session: dict | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if session:
        headers["X-Session-Token"] = session["token"]
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None,
                                     headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def new_session(stack) -> dict:
    return call(f"{stack.gateway_url}/api/session", {"kind": "widget"})


def chat(stack, session: dict, message: str) -> list:
    return call(f"{stack.gateway_url}/api/chat", {"sender": session["sender"], "message": message},
                session=session)


def rate(stack, session: dict, helpful: bool, comment: str | None = None) -> dict:
    body = {"sender": session["sender"], "helpful": helpful}
    if comment:
        body["comment"] = comment
    return call(f"{stack.gateway_url}/api/feedback", body, session=session)


def report(stack) -> dict:
    return call(f"{stack.gateway_url}/insights/api/report?days=7", token=TOKEN)


@pytest.fixture(scope="module")
def conversations(stack):
    """Six conversations and two ratings, through the gateway as the widget holds them."""
    before = report(stack)
    run = uuid.uuid4().hex[:6]
    answered = new_session(stack)
    chat(stack, answered, "钻石卡有哪些待遇？")
    rate(stack, answered, True)
    weather = [new_session(stack) for _ in WEATHER]
    for session, question in zip(weather, WEATHER):
        chat(stack, session, question)
    comment = f"想知道天气 {run}"
    rate(stack, weather[0], False, comment)
    decided = chat(stack, new_session(stack), "我是博士，所在单位在白云区注册，能办哪种英才卡？")
    assert any((r.get("custom") or {}).get("type") == "decision" for r in decided), decided
    return {"before": before, "comment": comment}


def test_without_sign_in_the_page_and_its_data_refuse(browser, stack):
    context = browser.new_context(base_url=stack.gateway_url, locale="zh-CN")
    page = context.new_page()
    response = page.goto("/insights")
    assert response.status == 401
    assert page.get_by_label("员工口令").is_visible()
    assert_accessible(page)
    data = page.request.get("/insights/api/report")
    assert data.status == 401 and "登录" in data.json()["detail"]
    page.get_by_label("员工口令").fill("not-the-token")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("口令不正确").wait_for()
    context.close()


def test_the_staff_page_counts_plots_and_groups_the_stored_conversations(browser, stack,
                                                                         conversations):
    before = conversations["before"]["totals"]
    context = browser.new_context(base_url=stack.gateway_url, locale="zh-CN", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/insights")
    page.get_by_label("员工口令").fill(TOKEN)
    page.get_by_role("button", name="登录").click()
    page.select_option("#days", "7")
    page.wait_for_selector("body[data-loaded=true]")

    def total(name: str) -> int:
        return int(page.locator(f'dd[data-total="{name}"]').inner_text())

    assert total("提问") >= before["questions"] + 4  # 钻石卡 and the three weather questions
    assert total("资格评估") >= before["assessments"] + 1
    assert total("得出结论") >= before["decided"] + 1
    assert total("反馈") >= before["feedback"] + 2
    assert total("其中没帮助") >= before["unhelpful"] + 1

    # plotted: today's bar holds the questions, the funnel and the feedback have data
    daily = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('chart-daily')).getOption();
        return {days: o.xAxis[0].data, series: o.series.map(s => [s.name, s.data])};
    }""")
    series = dict(daily["series"])
    today = len(daily["days"]) - 1
    assert series["已回答"][today] >= 1 and series["未覆盖"][today] >= 3
    for chart in ("chart-status", "chart-funnel", "chart-outcomes", "chart-feedback_daily",
                  "chart-gaps"):
        assert page.evaluate(f"!!echarts.getInstanceByDom(document.getElementById('{chart}'))"), chart
    assert page.locator("#chart-daily canvas").count() == 1

    # the gap report: the three wordings of the weather question are one group
    group = page.locator("#gap-table tr.gap", has_text=WEATHER[0])
    assert group.count() == 1
    for wording in WEATHER:
        assert wording in group.inner_text()
    assert int(group.locator("td.count").inner_text()) >= 3
    assert group.locator("td.clause blockquote").inner_text().strip()  # the nearest clause

    # the answers marked 没帮助, with the comment
    assert page.locator("#unhelpful-table", has_text=conversations["comment"]).count() == 1

    # each plot downloads as CSV
    with page.expect_download() as download:
        page.locator('figure[data-table="gaps"] a.csv').click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.startswith("分组,提问次数,问题示例") and WEATHER[1] in text

    page.screenshot(path=str(ARTIFACTS / "insights.png"), full_page=True)
    assert_accessible(page)
    context.close()


def test_widget_and_console_take_feedback_into_the_store(browser, stack):
    from gateway.conversation_db import ConversationDB

    context = browser.new_context(base_url=stack.gateway_url, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto("/")
    page.get_by_role("button", name="新对话").click()
    page.get_by_label("输入您的问题").fill("钻石卡有哪些待遇？")
    page.keyboard.press("Enter")
    bar = page.get_by_role("group", name="这条回答有帮助吗？")
    bar.get_by_role("button", name="写意见").click()
    bar.get_by_label("意见（选填），写完后点“有帮助”或“没帮助”提交").fill("希望列出全部待遇 13812345678")
    bar.get_by_role("button", name="没帮助").click()
    bar.get_by_text("感谢您的反馈！").wait_for()
    page.get_by_label("输入您的问题").fill("我是博士，所在单位在白云区注册，能办哪种英才卡？")
    page.keyboard.press("Enter")
    page.get_by_role("group", name="这次评估结果对您有帮助吗？").wait_for()  # after a decision
    sender = page.evaluate("JSON.parse(localStorage.getItem('zhengce.session')).sender")
    rows = ConversationDB().query("SELECT helpful, comment, kind, answer FROM feedback "
                                  "WHERE sender_id = ?", (sender,))
    assert len(rows) == 1 and rows[0][:3] == (0, "希望列出全部待遇 [手机号]", "answer")
    assert "钻石卡" in rows[0][3]  # the answer as the bot gave it, from the stored conversation

    page.goto("/console")
    page.keyboard.type("金卡的申领条件是什么")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    page.get_by_role("group", name="这次检索结果有帮助吗？").get_by_role("button", name="有帮助").click()
    page.get_by_text("感谢您的反馈！").wait_for()
    console = page.evaluate("JSON.parse(sessionStorage.getItem('zhengce.console')).sender")
    rows = ConversationDB().query("SELECT helpful, question, kind FROM feedback WHERE sender_id = ?",
                                  (console,))
    assert rows == [(1, "金卡的申领条件是什么", "search")]
    context.close()
