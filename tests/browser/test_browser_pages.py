"""The widget and the console in Debian's headless Chromium, driven by Playwright, against the
running stack (gateway, Rasa, action server). Screenshots go to tests/artifacts/.

Playwright only drives the browser here: it never downloads one (executable_path points at
/usr/bin/chromium, installed by `make setup`'s browser step).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import clause_by_id

playwright_api = pytest.importorskip("playwright.sync_api")
from axe_playwright_python.sync_playwright import Axe  # noqa: E402  axe-core, bundled

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def assert_accessible(page) -> None:
    """axe-core's WCAG checks (labels, contrast, landmarks, roles…): no violation at all."""
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_snapshot()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: `make setup` installs it (step `browser`)",
                    pytrace=False)
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(base_url=stack.gateway_url, locale="zh-CN",
                                  viewport={"width": 420, "height": 860})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.gateway_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_widget_answers_with_a_citation_card_and_keeps_the_conversation(page):
    page.goto("/")
    page.wait_for_selector(".msg.bot")  # the welcome, with starter quick replies
    assert page.locator(".quick button").count() >= 3

    question = "英才卡申领要提交哪些材料？"
    page.get_by_label("输入您的问题").fill(question)
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.msg.user:has-text("{question}")')
    card = page.locator(".cite").first
    card.wait_for()
    assert page.locator("#typing").is_hidden()

    card.locator("summary").click()  # expand: the verbatim clause
    quoted = card.locator("blockquote").inner_text()
    clause_id = card.locator(".clause-id").inner_text().replace("条款编号", "").strip()
    assert quoted and quoted in clause_by_id(clause_id)["text"]  # verbatim
    page.screenshot(path=str(ARTIFACTS / "widget.png"), full_page=True)
    assert_accessible(page)

    page.reload()  # same sender id from local storage: the conversation comes back
    page.wait_for_selector(f'.msg.user:has-text("{question}")')
    assert page.locator(".cite").count() >= 1


def test_widget_quick_reply_sends_its_payload(page):
    page.goto("/")
    page.get_by_role("button", name="新对话").click()
    page.locator(".quick button").first.click()
    page.wait_for_function("document.querySelectorAll('.bot-turn').length >= 2")
    assert page.locator(".msg.user").count() == 1
    assert page.locator(".msg.system").count() == 0  # no error shown


def test_widget_offers_the_choices_of_a_form_question(page):
    page.goto("/")
    page.get_by_role("button", name="新对话").click()
    page.get_by_label("输入您的问题").fill("我们公司想申报智能制造生态合作伙伴")
    page.keyboard.press("Enter")
    live = page.locator(".bot-turn .quick button:enabled")
    live.first.wait_for()  # 是/否, or the eight domains, from the facts of the rules API
    choices = live.all_inner_texts()
    assert choices == ["是", "否"] or "智能制造装备" in choices, choices
    turns = page.locator(".bot-turn").count()
    live.first.click()
    page.wait_for_function(f"document.querySelectorAll('.bot-turn').length > {turns}")
    assert page.locator(".msg.system").count() == 0


def test_console_finds_highlights_and_copies_a_clause(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/console")
    assert page.evaluate("document.activeElement.id") == "q"  # focus on load
    page.keyboard.type("有博士学位能申领什么卡")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    assert page.locator(".hit mark").count() >= 1
    assert page.locator("#suggestion-text").inner_text().strip()

    page.keyboard.press("1")  # focus moved to the results: digits copy
    page.wait_for_selector("#status >> text=已复制第 1 条原文")
    copied = page.evaluate("navigator.clipboard.readText()")
    first = page.locator(".hit .cid").first.inner_text()
    assert copied == clause_by_id(first)["text"]

    page.locator("input[name=program][value=talent-card]").check()
    page.locator("#fact-employer_in_baiyun").select_option("true")
    page.locator("details.group[data-group=gold] summary").click()
    page.locator("input[type=checkbox][value='gold.phd']").check()
    page.get_by_role("button", name="判断").click()
    page.wait_for_selector(".decision .outcome")
    assert "金卡" in page.locator(".decision .outcome").inner_text()
    page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)
    assert_accessible(page)


def test_widget_embeds_in_another_page_with_one_script_tag(page, stack):
    page.set_content(f'<html lang="zh-CN"><body><h1>某区政务网</h1>'
                     f'<script src="{stack.gateway_url}/static/widget.js"></script></body></html>')
    page.get_by_role("button", name="政策咨询").click()
    frame = page.frame_locator("#zhengce-widget-frame")
    frame.locator(".msg.bot").first.wait_for()
    assert frame.get_by_label("输入您的问题").is_visible()
    page.keyboard.press("Escape")
    # with the focus inside the frame, Escape closes it through a posted message: wait for it
    page.locator("#zhengce-widget-frame").wait_for(state="hidden", timeout=5000)
